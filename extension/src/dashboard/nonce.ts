/** A fresh CSP nonce per render (128 bits from the OS CSPRNG). */
import { randomBytes } from 'node:crypto';

export function createNonce(): string {
  return randomBytes(16).toString('base64');
}
