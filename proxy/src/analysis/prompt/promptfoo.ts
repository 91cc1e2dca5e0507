/**
 * promptfoo configs: `prompts` (strings, `{ raw }`/`{ id, label }` objects; `file://` references are
 * not followed) and `providers` (strings or `{ id, config: { max_tokens } }`).
 */
import { lineSearchMap, type PromptDocument, type PromptSection } from './document';
import { normaliseModelName } from './model-names';
import { firstNumber, getNode, isMap, isScalar, nodeRange, parseYaml, scalarString, seqItems } from './yaml-nodes';

export interface PromptfooProvider {
  model: string;
  outputLimit?: number;
  start: number;
  end: number;
  /** How to add `max_tokens` to this provider's config (an insertion, or a rewrite of [offset, end)), when that is a safe edit. */
  insertion?: { offset: number; end?: number; newText: string };
}

export interface PromptfooDocument extends PromptDocument {
  providers: PromptfooProvider[];
}

const LIMIT_KEYS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens', 'maxTokens', 'maxOutputTokens', 'max_new_tokens'];

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
    sections.push({ role: 'user', text: node.value, start: r[0], end: r[1], map: lineSearchMap(text, r[0], r[1], node.value) });
  }
  const providers: PromptfooProvider[] = [];
  const providersNode = getNode(root, 'providers');
  for (const item of isScalar(providersNode) ? [providersNode] : seqItems(providersNode)) {
    const r = nodeRange(item);
    if (!r) continue;
    const id = isMap(item) ? scalarString(getNode(item, 'id')) : scalarString(item);
    if (!id) continue;
    const config = isMap(item) ? getNode(item, 'config') : undefined;
    const outputLimit = firstNumber(config, LIMIT_KEYS);
    const p: PromptfooProvider = { model: normaliseModelName(id), start: r[0], end: r[1], ...(outputLimit !== undefined ? { outputLimit } : {}) };
    if (outputLimit === undefined && isMap(item)) {
      const ins = configInsertion(text, item, config);
      if (ins) p.insertion = ins;
    } else if (outputLimit === undefined) {
      const rewrite = objectForm(text, r[0], r[1], id);
      if (rewrite) p.insertion = rewrite;
    }
    providers.push(p);
  }
  const first = providers[0];
  const limits = providers.map((p) => p.outputLimit).filter((n): n is number => n !== undefined);
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
    parseProblems: yaml.errors.map((e) => ({ message: e.message, start: e.pos[0], end: e.pos[1] })),
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
