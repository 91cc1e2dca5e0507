/**
 * Template variables in prompt text: `{{name}}` (Prompty/Jinja/Mustache/GitHub Models/promptfoo),
 * `${name}` / `${input:name}` (VS Code prompt files, JS templates) and `{name}` (Python format
 * strings, LangChain templates). Their content is unknown, so they are counted, not tokenised as data.
 */
import { inFence } from './fences';

const PLACEHOLDER = /\{\{\s*[^{}]+?\s*\}\}|\$\{[^{}]+\}|\{[A-Za-z_][A-Za-z0-9_.]*\}/g;

export interface PlaceholderMatch {
  start: number;
  end: number;
  text: string;
}

/**
 * A Jinja/Nunjucks/Liquid `{% raw %}` block sends its body as written: a `{{ name }}` shown there is text,
 * not a variable (read as one, it was priced as unknown content and reported as cache-hostile).
 */
const RAW_BLOCK = /\{%-?\s*raw\s*-?%\}[\s\S]*?(?:\{%-?\s*endraw\s*-?%\}|$)/g;

export function findPlaceholders(text: string): PlaceholderMatch[] {
  const raw = text.includes('raw') ? [...text.matchAll(RAW_BLOCK)].map((m): [number, number] => [m.index, m.index + m[0].length]) : [];
  return [...text.matchAll(PLACEHOLDER)].filter((m) => !inFence(raw, m.index)).map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }));
}
