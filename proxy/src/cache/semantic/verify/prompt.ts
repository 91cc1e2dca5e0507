/**
 * The question the small-tier model is asked about a candidate in the uncertain band. Kept short
 * (a few dozen tokens plus the two prompts) and answerable with one word, so the check costs a
 * fraction of the call it may save.
 */
export const VERIFY_SYSTEM_PROMPT =
  'You decide whether two requests to an assistant ask for the same thing, so that one answer fits both. ' +
  'Different objects, numbers, names, places, negation or requested format mean different. ' +
  'Reply with exactly one word: SAME or DIFFERENT.';

/** Longest request text sent for verification (characters per side). */
export const VERIFY_MAX_CHARS = 2000;

export function verifyUserMessage(a: string, b: string): string {
  const cut = (s: string) => (s.length > VERIFY_MAX_CHARS ? `${s.slice(0, VERIFY_MAX_CHARS)}…` : s);
  return `Request A:\n<<<\n${cut(a)}\n>>>\n\nRequest B:\n<<<\n${cut(b)}\n>>>\n\nSame or different?`;
}

/** SAME → true, DIFFERENT → false, anything else → undefined (treated as a miss). */
export function parseVerdict(reply: string): boolean | undefined {
  const t = reply.trim().toUpperCase();
  if (/^SAME\b/.test(t)) return true;
  if (/^DIFFERENT\b/.test(t)) return false;
  return undefined;
}
