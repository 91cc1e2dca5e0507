/**
 * promptfoo configs: `prompts` (strings, `{ raw }`/`{ id, label }` objects; `file://` references are
 * not followed) and `providers` / `targets` (strings or `{ id, config: { max_tokens } }`). Providers
 * that are not a model (HTTP endpoints, scripts, `exec:`, `echo`) are skipped; aliases and `<<`
 * merge keys are followed.
 */
import { lineSearchMap, type PromptDocument, type PromptSection } from './document';
import { normaliseModelName } from './model-names';
import { getNode, isAlias, isMap, isScalar, nodeRange, outputLimitOf, parseYaml, scalarString, seqItems, parseProblemsOf } from './yaml-nodes';

export interface PromptfooProvider {
  model: string;
  outputLimit?: number;
  /** The config sets a limit whose value is templated (`'{{ env.MAX_TOKENS }}'`). */
  outputLimitTemplated?: boolean;
  /** No limit in the config, but promptfoo sends its own default (OPENAI_MAX_TOKENS / ANTHROPIC_MAX_TOKENS, 1,024). */
  defaultLimit?: number;
  start: number;
  end: number;
  /** How to add `max_tokens` to this provider's config (an insertion, or a rewrite of [offset, end)), when that is a safe edit. */
  insertion?: { offset: number; end?: number; newText: string };
}

export interface PromptfooDocument extends PromptDocument {
  providers: PromptfooProvider[];
}

const LIMIT_KEYS = [
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'maxTokens',
  'maxOutputTokens',
  'max_new_tokens',
  // Ollama, Bedrock Llama, Amazon Titan
  'num_predict',
  'max_gen_len',
  'maxTokenCount',
];
/** Nested option maps some providers read the limit from (Vertex/Gemini `generationConfig`, Ollama `options`, …). */
const NESTED_CONFIG = ['generationConfig', 'generation_config', 'options', 'inferenceConfig', 'textGenerationConfig', 'parameters'];

/** Providers that call a program or endpoint, not a model: nothing to price or limit here. */
const NOT_A_MODEL =
  /^(?:https?:|wss?:|file:|python:|exec:|golang:|go:|ruby:|javascript:|js:|package:|webhook:|mcp\b|browser\b|sequence\b|manual-input\b|simulated-user\b|promptfoo:|echo\b)|\.(?:[cm]?js|ts|py|go|rb|sh)$|^\.{0,2}\//i;
/** Providers whose output is not a chat/completion reply (no output tokens to bound). */
const NOT_TEXT = /^[a-z-]+:(?:embeddings?|moderation|image|transcription|tts|audio|video|classification|similarity):/i;

/**
 * promptfoo's OpenAI and Anthropic providers send max_tokens 1,024 when the config sets none
 * (`getEnvInt('OPENAI_MAX_TOKENS', 1024)`, `getEnvInt('ANTHROPIC_MAX_TOKENS', 1024)`), except for
 * OpenAI reasoning models (o1, o3, o4, gpt-5, codex-mini), which get no default. Other providers
 * (Bedrock, Vertex, Ollama, Azure deployments…) are not assumed to have one.
 */
const DEFAULTED_PROVIDER = /^(?:openai(?::(?:chat|completion|responses))?|anthropic(?::(?:messages|completion))?):(.+)$/i;
const OPENAI_REASONING = /^(?:o[134]|gpt-5|codex-mini)/i;
export const PROMPTFOO_DEFAULT_MAX_TOKENS = 1024;

function promptfooDefault(id: string): number | undefined {
  const m = DEFAULTED_PROVIDER.exec(id.trim());
  if (!m) return undefined;
  if (/^openai/i.test(id) && OPENAI_REASONING.test(m[1]!.replace(/^ft:/i, ''))) return undefined;
  return PROMPTFOO_DEFAULT_MAX_TOKENS;
}

/** The limit in a provider's config: top-level keys, then the nested option maps. */
function configLimit(config: unknown): { value?: number; present: boolean } {
  const top = outputLimitOf(config, LIMIT_KEYS);
  if (top.present) return top;
  for (const k of NESTED_CONFIG) {
    const nested = outputLimitOf(getNode(config, k), LIMIT_KEYS);
    if (nested.present) return nested;
  }
  return { present: false };
}

export function parsePromptfoo(text: string): PromptfooDocument {
  const yaml = parseYaml(text);
  const root = yaml.contents;
  const sections: PromptSection[] = [];
  const promptsNode = getNode(root, 'prompts');
  const prompts = isScalar(promptsNode) ? [promptsNode] : seqItems(promptsNode);
  for (const item of prompts) {
    const node = isMap(item) ? getNode(item, 'raw') : item;
    const r = nodeRange(node);
    if (!isScalar(node) || typeof node.value !== 'string' || !r || node.value.startsWith('file://')) continue;
    sections.push({ role: 'user', text: node.value, start: r[0], end: r[1], map: lineSearchMap(text, r[0], r[1], node.value, node.type === 'BLOCK_LITERAL') });
  }
  const providers: PromptfooProvider[] = [];
  // `targets:` is promptfoo's alias of `providers:`.
  const providersNode = getNode(root, 'providers') ?? getNode(root, 'targets');
  for (const item of isScalar(providersNode) ? [providersNode] : seqItems(providersNode)) {
    const r = nodeRange(item);
    if (!r) continue;
    const id = isMap(item) ? scalarString(getNode(item, 'id')) : scalarString(item);
    if (!id || NOT_A_MODEL.test(id.trim()) || NOT_TEXT.test(id.trim())) continue;
    const config = isMap(item) ? getNode(item, 'config') : undefined;
    const limit = configLimit(config);
    const outputLimit = limit.value;
    const fallback = limit.present ? undefined : promptfooDefault(id);
    const p: PromptfooProvider = {
      model: normaliseModelName(id),
      start: r[0],
      end: r[1],
      ...(outputLimit !== undefined ? { outputLimit } : limit.present ? { outputLimitTemplated: true } : {}),
      ...(fallback !== undefined ? { defaultLimit: fallback } : {}),
    };
    // A config that is an alias (`config: *defaults`) is shared: an edit there would change the anchor.
    const configIsAlias = isMap(item) && isAlias(getNode(item, 'config', true));
    if (limit.present || configIsAlias) {
      // set (or shared): no fix
    } else if (isMap(item)) {
      const ins = configInsertion(text, item, config);
      if (ins) p.insertion = ins;
    } else {
      const rewrite = objectForm(text, r[0], r[1], id);
      if (rewrite) p.insertion = rewrite;
    }
    providers.push(p);
  }
  const first = providers[0];
  const limits = providers.map((p) => p.outputLimit ?? p.defaultLimit).filter((n): n is number => n !== undefined);
  const header = nodeRange(providersNode) ?? [0, 0];
  return {
    kind: 'promptfoo',
    ...(first ? { model: first.model } : {}),
    // Every provider limited: the worst case is the largest limit.
    ...(limits.length === providers.length && limits.length > 0 ? { outputLimit: Math.max(...limits) } : {}),
    formatHasOutputLimit: true,
    headerStart: header[0],
    headerEnd: header[1],
    sections,
    providers,
    parseProblems: parseProblemsOf(yaml),
  };
}

function configInsertion(text: string, provider: unknown, config: unknown): { offset: number; newText: string } | undefined {
  const target = isMap(config) ? config : isMap(provider) ? provider : undefined;
  if (!target || (config !== undefined && !isMap(config))) return undefined;
  const r = nodeRange(target);
  const firstKey = target.items[0] ? nodeRange(target.items[0].key) : undefined;
  if (!r || !firstKey) return undefined;
  const lineStart = text.lastIndexOf('\n', firstKey[0] - 1) + 1;
  const prefix = text.slice(lineStart, firstKey[0]);
  // `- id: x` puts the first key after "- "; the other keys align with it.
  const indent = prefix.replace(/[^ \t]/g, ' ');
  if (!/^[ \t-]*$/.test(prefix)) return undefined;
  const nl = text.indexOf('\n', r[1] - 1);
  const offset = nl < 0 ? text.length : nl + 1;
  const lead = nl < 0 ? '\n' : '';
  return target === config ? { offset, newText: `${lead}${indent}max_tokens: 1024\n` } : { offset, newText: `${lead}${indent}config:\n${indent}  max_tokens: 1024\n` };
}

/** `- openai:gpt-4o-mini` → `- id: openai:gpt-4o-mini` + `config.max_tokens`, for a one-line block-sequence item. */
function objectForm(text: string, start: number, end: number, id: string): { offset: number; end: number; newText: string } | undefined {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const prefix = text.slice(lineStart, start);
  if (!/^[ \t]*-[ \t]+$/.test(prefix) || text.slice(start, end).includes('\n')) return undefined;
  const indent = ' '.repeat(prefix.length);
  return { offset: start, end, newText: `id: ${JSON.stringify(id)}\n${indent}config:\n${indent}  max_tokens: 1024` };
}
