/**
 * The judge prompt of quality sampling: a cheap model compares the routed tier's answer with the
 * large tier's answer to the same request. Kept here, in the repository, so what "agree" means is
 * reviewable. The question and both answers go in the user turn; the rules in the system turn.
 */
export const JUDGE_SYSTEM = [
  'You compare two answers to the same request.',
  'Answer A came from a smaller, cheaper model; answer B from a larger one.',
  'Reply with exactly one word:',
  'AGREE if A is as correct and as useful as B for the request (wording and length may differ),',
  'DISAGREE if A is wrong, incomplete or clearly worse than B.',
].join('\n');

/** Longest part of each text put in the judge prompt (keeps the judge call cheap). */
export const JUDGE_MAX_CHARS = 4000;

export function judgeUserTurn(question: string, answerA: string, answerB: string): string {
  const cut = (s: string) => (s.length > JUDGE_MAX_CHARS ? `${s.slice(0, JUDGE_MAX_CHARS)} […]` : s);
  return `Question:\n${cut(question)}\n\nAnswer A:\n${cut(answerA)}\n\nAnswer B:\n${cut(answerB)}`;
}

/** The judge's verdict: the first AGREE / DISAGREE word in its reply, else unclear. */
export function parseVerdict(reply: string): 'agree' | 'disagree' | 'unclear' {
  const m = /\b(DISAGREE|AGREE)\b/i.exec(reply);
  if (!m) return 'unclear';
  return m[1]!.toUpperCase() === 'AGREE' ? 'agree' : 'disagree';
}
