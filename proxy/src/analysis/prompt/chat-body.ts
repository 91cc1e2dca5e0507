/**
 * Splits a Prompty-style body into role sections ("system:", "user:", "assistant:" on their own
 * line) and marks few-shot examples: user/assistant turns that come before the final user turn.
 */
import { verbatimMap, type PromptSection } from './document';
import { commentSpans } from './template-comments';

const ROLE_LINE = /^[ \t]*#*[ \t]*(system|user|assistant|developer|example_user|example_assistant)[ \t]*:[ \t]*\r?$/gim;

export function splitRoleSections(text: string, bodyStart: number, defaultRole: string): PromptSection[] {
  const body = text.slice(bodyStart);
  // A `user:` line inside a template comment (an example kept for reference) starts no turn.
  const comments = body.includes('{#') || body.includes('{{!') ? commentSpans(body, true) : [];
  const markers = [...body.matchAll(ROLE_LINE)]
    .filter((m) => !comments.some(([a, b]) => m.index >= a && m.index < b))
    .map((m) => ({ role: m[1]!.toLowerCase(), at: m.index, after: m.index + m[0].length }));
  const sections: PromptSection[] = [];
  const push = (role: string, from: number, to: number) => {
    let s = from;
    if (body[s] === '\n') s++;
    const slice = body.slice(s, to);
    if (slice.trim().length === 0) return;
    sections.push({ role, text: slice, start: bodyStart + s, end: bodyStart + to, map: verbatimMap(bodyStart + s) });
  };
  if (markers.length === 0) {
    push(defaultRole, 0, body.length);
    return sections;
  }
  if (markers[0]!.at > 0) push(defaultRole, 0, markers[0]!.at);
  markers.forEach((m, i) => {
    push(m.role, m.after, i + 1 < markers.length ? markers[i + 1]!.at : body.length);
  });
  markExamples(sections);
  return sections;
}

/** Turns before the last user turn that alternate user/assistant are few-shot examples. */
export function markExamples(sections: PromptSection[]): void {
  let lastUser = -1;
  sections.forEach((s, i) => {
    if (s.role === 'user') lastUser = i;
  });
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    if (s.role.startsWith('example_')) s.example = true;
    else if (i < lastUser && (s.role === 'assistant' || (s.role === 'user' && sections[i + 1]?.role === 'assistant'))) s.example = true;
  }
}
