/**
 * Template variables in prompt text: `{{name}}` (Prompty/Jinja/Mustache/GitHub Models/promptfoo),
 * `${name}` / `${input:name}` (VS Code prompt files, JS templates) and `{name}` (Python format
 * strings, LangChain templates). Their content is unknown, so they are counted, not tokenised as data.
 */
const PLACEHOLDER = /\{\{\s*[^{}]+?\s*\}\}|\$\{[^{}]+\}|\{[A-Za-z_][A-Za-z0-9_.]*\}/g;

export interface PlaceholderMatch {
  start: number;
  end: number;
  text: string;
}

export function findPlaceholders(text: string): PlaceholderMatch[] {
  const out: PlaceholderMatch[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}
