/** Turns the model spellings prompt formats use into ids genai-prices and the tokenizer understand. */

/** "openai/gpt-4o-mini" → "gpt-4o-mini"; "openai:chat:gpt-4o" → "gpt-4o"; "GPT-4.1 (copilot)" → "gpt-4.1". */
export function normaliseModelName(raw: string): string {
  let m = raw.trim().replace(/\s*\([^)]*\)\s*$/, '');
  if (m.includes(':')) m = m.slice(m.lastIndexOf(':') + 1);
  if (m.includes('/')) m = m.slice(m.lastIndexOf('/') + 1);
  return m.toLowerCase().replace(/\s+/g, '-');
}
