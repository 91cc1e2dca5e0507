/**
 * Amazon Bedrock's InvokeModel (`invoke_model`, `InvokeModelCommand`, and their streaming forms)
 * sends the model's own JSON body, so where the output limit sits — and what the model does without
 * one — depends on the model family, read from the modelId (or, when that is not written, from keys
 * only one family's body has). From AWS's "Inference request parameters" pages:
 *
 * - Anthropic Claude, Messages (`anthropic_version: "bedrock-2023-05-31"`): `max_tokens`, required —
 *   Bedrock rejects the request without it. Legacy Text Completions (`prompt`): `max_tokens_to_sample`, required.
 * - Amazon Nova: `inferenceConfig.maxTokens` (`max_new_tokens` in Nova 1's first examples), optional;
 *   without it the reply may run to the model's maximum, as in Converse.
 * - Amazon Titan Text: `textGenerationConfig.maxTokenCount`, default 512.
 * - Meta Llama: `max_gen_len`, default 512.
 * - Mistral: `max_tokens`, default 512 (7B, Mixtral) or 8,192 (Large, Small).
 * - Cohere Command: `max_tokens`, with a default (20 for Command, 4,000 for Command R).
 * - AI21: `maxTokens` (Jurassic-2, default 200) / `max_tokens` (Jamba, with a default).
 *
 * Families with a default are bounded without a limit (no finding). Others (DeepSeek, OpenAI's
 * open-weight models, Qwen, Writer, …) and non-text models (embeddings, images) are not judged.
 */
import { maxOutputTokens, reasonsByDefault } from '../cost/max-output';
import { suggestedLimit, type DetectedCall, type ThinkingBudget } from './llm-call';

export interface BedrockBodyLimit {
  family: 'anthropic' | 'anthropic-text' | 'nova' | 'titan' | 'llama' | 'mistral' | 'cohere' | 'ai21';
  /** The body key holding the object the limit sits in (`inferenceConfig`), when nested. */
  inside?: string;
  /** Spellings the model reads. */
  keys: readonly string[];
  /** The spelling a fix inserts. */
  key: string;
  /** The API rejects a request without it. */
  required?: true;
  /** The limit the model applies when none is sent: a number, or 'bounded' when it depends on the model. */
  defaultLimit?: number | 'bounded';
}

const FAMILIES: Record<BedrockBodyLimit['family'], BedrockBodyLimit> = {
  anthropic: { family: 'anthropic', keys: ['max_tokens'], key: 'max_tokens', required: true },
  'anthropic-text': { family: 'anthropic-text', keys: ['max_tokens_to_sample'], key: 'max_tokens_to_sample', required: true },
  nova: { family: 'nova', inside: 'inferenceConfig', keys: ['maxTokens', 'max_new_tokens'], key: 'maxTokens' },
  titan: { family: 'titan', inside: 'textGenerationConfig', keys: ['maxTokenCount'], key: 'maxTokenCount', defaultLimit: 512 },
  llama: { family: 'llama', keys: ['max_gen_len'], key: 'max_gen_len', defaultLimit: 512 },
  mistral: { family: 'mistral', keys: ['max_tokens'], key: 'max_tokens', defaultLimit: 'bounded' },
  cohere: { family: 'cohere', keys: ['max_tokens'], key: 'max_tokens', defaultLimit: 'bounded' },
  ai21: { family: 'ai21', keys: ['maxTokens', 'max_tokens'], key: 'max_tokens', defaultLimit: 'bounded' },
};

/**
 * The foundation model a modelId names, without a cross-region prefix or an ARN's path:
 * `us.anthropic.claude-3-5-sonnet-20240620-v1:0` → `anthropic.claude-3-5-sonnet-20240620-v1:0`.
 * An ARN of a provisioned model or an application profile names no family (undefined).
 */
function foundationModel(modelId: string): string | undefined {
  let id = modelId.trim().toLowerCase();
  if (id.startsWith('arn:')) {
    const m = /:(?:foundation-model|inference-profile)\/(.+)$/.exec(id);
    if (!m) return undefined;
    id = m[1]!;
  }
  return id.replace(/^(?:us|eu|apac|ap|ca|jp|au|us-gov|global)\./, '');
}

/**
 * The family a foundation model id names: its limit, null for one this does not judge (an
 * embedding or image model, an unlisted vendor), undefined when the id names no vendor.
 */
function familyOfModel(id: string, bodyKeys: ReadonlySet<string>): BedrockBodyLimit | null | undefined {
  const dot = id.indexOf('.');
  if (dot <= 0) return undefined;
  const vendor = id.slice(0, dot);
  const name = id.slice(dot + 1);
  switch (vendor) {
    case 'anthropic':
      if (!name.startsWith('claude')) return null;
      return bodyKeys.has('prompt') && !bodyKeys.has('messages') ? FAMILIES['anthropic-text'] : FAMILIES.anthropic;
    case 'amazon':
      // Nova's text models; not Canvas (images), Reel (video), Sonic (speech) or its embeddings.
      if (/^nova-/.test(name)) return /^nova-(?:2-)?(?:canvas|reel|sonic)|embed/.test(name) ? null : FAMILIES.nova;
      return /^titan-(?:text|tg1)/.test(name) ? FAMILIES.titan : null;
    case 'meta':
      return name.startsWith('llama') ? FAMILIES.llama : null;
    case 'mistral':
      return FAMILIES.mistral;
    case 'cohere':
      return name.startsWith('command') ? FAMILIES.cohere : null;
    case 'ai21':
      return /^(?:j2|jamba)/.test(name) ? FAMILIES.ai21 : null;
    default:
      return null;
  }
}

/**
 * Where the body of an InvokeModel request to `modelId` takes its output limit; `bodyKeys` are the
 * body's top-level keys (they tell Claude's Messages from its Text Completions, and name the family
 * when the modelId is not written or is a custom model's ARN). undefined: a family this does not
 * judge, or a model that generates no text.
 */
export function bedrockBodyLimit(modelId: string | undefined, bodyKeys: ReadonlySet<string>): BedrockBodyLimit | undefined {
  const id = modelId === undefined ? undefined : foundationModel(modelId);
  const byModel = id === undefined ? undefined : familyOfModel(id, bodyKeys);
  if (byModel !== undefined) return byModel ?? undefined;
  // Only a key no other family's body has names one.
  if (bodyKeys.has('anthropic_version')) return bodyKeys.has('prompt') && !bodyKeys.has('messages') ? FAMILIES['anthropic-text'] : FAMILIES.anthropic;
  if (bodyKeys.has('textGenerationConfig')) return FAMILIES.titan;
  if (bodyKeys.has('max_gen_len')) return FAMILIES.llama;
  return undefined;
}

/** What a language's reading of an InvokeModel body found about its limit key (settleBedrockLimit). */
export interface BedrockLimitSeen {
  /** The family's limit key is written: its value when a readable number, and whether it sends none (`None` / `null`). */
  given?: { value?: number; sendsNone: boolean };
  /** The body (or the object the limit sits in) is built where the file cannot see, or has a spread: the limit is not known. */
  hidden: boolean;
  /** The body's `thinking` budget (only Claude's Messages reads it). */
  thinking: () => ThinkingBudget;
}

/**
 * Settles an InvokeModel call's limit from what the body shows: written (present), not knowable
 * (unknown), a family default that bounds the reply (present), or missing — with the key the API
 * requires and the limit a fix would insert (call.suggested). Returns the limit to insert when the
 * caller may add the key (none is written and the body is one object), else undefined.
 */
export function settleBedrockLimit(call: DetectedCall, family: BedrockBodyLimit, seen: BedrockLimitSeen, fixable: boolean): number | undefined {
  if (seen.given) {
    call.limit = 'present';
    if (seen.given.value !== undefined && fixable) call.outputLimit = seen.given.value;
    // `max_tokens: None` sends no limit: the family's default (or nothing) applies.
    if (!seen.given.sendsNone) return undefined;
    delete call.outputLimit;
  }
  if (seen.hidden) return undefined;
  if (family.defaultLimit !== undefined) {
    call.limit = 'present';
    if (family.defaultLimit !== 'bounded') call.outputLimit = family.defaultLimit;
    return undefined;
  }
  call.limit = 'missing';
  if (family.required) call.requiredKey = family.key;
  const modelFacts = { max: call.model ? maxOutputTokens(call.model) : undefined, reasons: call.model ? reasonsByDefault(call.model) : false };
  // Claude: with extended thinking on, the limit must leave room above its budget.
  const fixLimit = suggestedLimit(family.required ? seen.thinking() : 'none', modelFacts);
  if (fixLimit === undefined) return undefined;
  call.suggested = fixLimit;
  // A `None` limit is there already (a second key would only repeat it), or the object is one of several.
  return seen.given || !fixable ? undefined : fixLimit;
}
