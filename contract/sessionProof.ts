/**
 * Proof of identity on /healthz: HMAC-SHA256(admin token, challenge). The proxy answers it
 * (proxy/src/server/security/sessionProof.ts) and the extension checks it (extension/src/proxy/identity.ts):
 * one rule, so the two cannot drift. node:crypto only; never imported by the webview.
 */
import { createHmac } from 'node:crypto';

export const CHALLENGE_HEADER = 'x-tollgate-challenge';
export const PROOF_HEADER = 'x-tollgate-proof';

export function sessionProofOf(adminToken: string, challenge: string): string {
  return createHmac('sha256', adminToken).update(challenge).digest('base64url');
}
