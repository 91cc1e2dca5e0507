/**
 * Is the process on the proxy port ours? The extension gives its proxy a per-window admin token
 * and challenges /healthz; the proxy answers HMAC-SHA256(token, challenge) in a header
 * (contract/sessionProof.ts). Anything else on the port — another program, or
 * another user's process on a shared machine — cannot answer, and the extension says so instead
 * of pointing the user's apps (and their keys) at it. No `vscode` import: tested with real servers.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CHALLENGE_HEADER, PROOF_HEADER, sessionProofOf } from '@contract/sessionProof';

export type Identity = 'verified' | 'unverified' | 'unreachable';

export async function verifyProxyIdentity(rootUrl: string, adminToken: string, timeoutMs = 2_000): Promise<Identity> {
  const challenge = randomBytes(24).toString('base64url');
  let proof: string | null;
  try {
    const res = await fetch(`${rootUrl}/healthz`, { headers: { [CHALLENGE_HEADER]: challenge }, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    proof = res.headers.get(PROOF_HEADER);
  } catch {
    return 'unreachable';
  }
  if (!proof) return 'unverified';
  const a = Buffer.from(proof);
  const b = Buffer.from(sessionProofOf(adminToken, challenge));
  return a.length === b.length && timingSafeEqual(a, b) ? 'verified' : 'unverified';
}
