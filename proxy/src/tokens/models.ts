/**
 * Which tiktoken encoding a model uses. Kept apart from encoding.ts, which imports the rank
 * tables (megabytes of source): the proxy's main thread asks this without loading them.
 */
export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface EncodingChoice {
  encoding: EncodingName;
  /** true when this is the tokenizer the model really uses (OpenAI models); false = estimate. */
  exact: boolean;
}

/** Strip a provider prefix ("openai/gpt-4o", "azure:gpt-4") so the model family is visible. */
function bareModel(model: string): string {
  const m = model.trim().toLowerCase();
  const slash = m.lastIndexOf('/');
  const colon = m.indexOf(':');
  if (slash >= 0) return m.slice(slash + 1);
  if (m.startsWith('ft:')) return m.slice(3);
  // A legacy OpenAI fine-tune names its base first: `gpt-3.5-turbo:ft-acme-2023-08-01`.
  if (/^[^:]+:ft-/.test(m)) return m.slice(0, colon);
  if (colon >= 0) return m.slice(colon + 1);
  return m;
}

/**
 * OpenAI's families as tiktoken's model table maps them: gpt-4o, gpt-4.1, gpt-4.5, gpt-5,
 * o1/o3/o4 and chatgpt-4o use o200k_base; gpt-4, gpt-3.5, the v2/v3 embeddings and the davinci-002 /
 * babbage-002 base models (and their `ft:` fine-tunes) use cl100k_base.
 * Every other model gets an o200k estimate, labelled as such.
 */
export function encodingForModel(model: string): EncodingChoice {
  const m = bareModel(model);
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-4o|o1|o3|o4|codex-)/.test(m)) return { encoding: 'o200k_base', exact: true };
  if (/^(gpt-4|gpt-3\.5|gpt-35|text-embedding-(ada-002|3-)|davinci-002|babbage-002)/.test(m)) return { encoding: 'cl100k_base', exact: true };
  return { encoding: 'o200k_base', exact: false };
}
