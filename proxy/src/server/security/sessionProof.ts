/**
 * Proof of identity on /healthz. Anyone can bind 127.0.0.1:<port> first and answer
 * `{"status":"ok"}`; the extension would then point the user's apps (and their keys) at it. The
 * extension starts its proxy with a fresh admin token and asks /healthz with a random challenge;
 * only a process that knows the token can answer HMAC-SHA256(token, challenge). The token itself
 * never crosses the wire, and a recorded answer is useless for the next challenge.
 */
import { CHALLENGE_HEADER, PROOF_HEADER, sessionProofOf } from '../../../../contract/sessionProof';
import type { Handler } from '../../http/http';

/** Adds the proof header to a /healthz answer when the caller sent a (sane) challenge. */
export function sessionProof(adminToken: string): Handler {
  return (req, res, next) => {
    const challenge = req.headers[CHALLENGE_HEADER];
    if (typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge)) {
      res.setHeader(PROOF_HEADER, sessionProofOf(adminToken, challenge));
    }
    next();
  };
}
