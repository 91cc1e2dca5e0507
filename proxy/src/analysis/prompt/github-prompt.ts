/** GitHub Models prompt files (`.prompt.yml` / `.prompt.yaml`): `model`, `modelParameters.maxTokens`, `messages`. */
import { lineSearchMap, type PromptDocument, type PromptSection } from './document';
import { markExamples } from './chat-body';
import { normaliseModelName } from './model-names';
import { getNode, getPair, isMap, isScalar, nodeRange, outputLimitOf, parseYaml, scalarString, seqItems, parseProblemsOf } from './yaml-nodes';

/** Spellings other tools use that `gh models` does not read (its ModelParameters has `maxTokens` only). */
const UNREAD_LIMIT_KEYS = ['max_tokens', 'maxCompletionTokens', 'max_completion_tokens', 'maxOutputTokens', 'max_output_tokens'];

export function parseGithubPrompt(text: string): PromptDocument {
  const yaml = parseYaml(text);
  const root = yaml.contents;
  const modelNode = getNode(root, 'model');
  const params = getNode(root, 'modelParameters');
  const limit = outputLimitOf(params, ['maxTokens']);
  const outputLimit = limit.value;
  const unread = UNREAD_LIMIT_KEYS.find((k) => getNode(params, k) !== undefined);
  const sections: PromptSection[] = [];
  for (const item of seqItems(getNode(root, 'messages'))) {
    const role = scalarString(getNode(item, 'role')) ?? 'user';
    const content = getNode(item, 'content');
    const r = nodeRange(content);
    if (!isScalar(content) || typeof content.value !== 'string' || !r) continue;
    sections.push({ role, text: content.value, start: r[0], end: r[1], map: lineSearchMap(text, r[0], r[1], content.value, content.type === 'BLOCK_LITERAL') });
  }
  markExamples(sections);
  const modelName = scalarString(modelNode);
  const header = nodeRange(modelNode) ?? nodeRange(root) ?? [0, 0];
  const doc: PromptDocument = {
    kind: 'github-prompt-yaml',
    ...(modelName ? { model: normaliseModelName(modelName) } : {}),
    ...(outputLimit !== undefined ? { outputLimit } : limit.present ? { outputLimitTemplated: true } : {}),
    ...(unread && !limit.present ? { outputLimitNote: `GitHub Models does not read modelParameters.${unread}` } : {}),
    formatHasOutputLimit: true,
    outputLimitField: 'modelParameters.maxTokens',
    headerStart: header[0],
    headerEnd: header[1],
    sections,
    parseProblems: parseProblemsOf(yaml),
  };
  if (!limit.present) {
    const insertion = insertMaxTokens(text, root, params);
    if (insertion) doc.limitInsertion = insertion;
  }
  return doc;
}

function insertMaxTokens(text: string, root: unknown, params: unknown): PromptDocument['limitInsertion'] {
  const title = 'Add modelParameters.maxTokens: 1024';
  if (isMap(params)) {
    const r = nodeRange(params);
    const firstKey = params.items[0] ? nodeRange(params.items[0].key) : undefined;
    if (!r || !firstKey) return undefined;
    const lineStart = text.lastIndexOf('\n', firstKey[0] - 1) + 1;
    const indent = text.slice(lineStart, firstKey[0]);
    if (!/^[ \t]*$/.test(indent)) return undefined;
    const nl = text.indexOf('\n', r[1] - 1);
    return { offset: nl < 0 ? text.length : nl + 1, newText: `${indent}maxTokens: 1024\n`, title };
  }
  // An empty `modelParameters:` is a key already: adding a second one would be a duplicate key.
  if (params !== undefined || !isMap(root) || getPair(root, 'modelParameters')) return undefined;
  // No modelParameters: add the block right after the `model:` line (or at the top).
  const modelPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'model');
  const valueRange = modelPair ? nodeRange(modelPair.value) : undefined;
  if (!valueRange) return { offset: 0, newText: 'modelParameters:\n  maxTokens: 1024\n', title };
  const nl = text.indexOf('\n', valueRange[1] - 1);
  const at = nl < 0 ? text.length : nl + 1;
  return { offset: at, newText: `${nl < 0 ? '\n' : ''}modelParameters:\n  maxTokens: 1024\n`, title };
}
