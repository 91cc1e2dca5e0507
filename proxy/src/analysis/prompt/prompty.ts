/**
 * Prompty files: YAML front matter (v1 `model.parameters.max_tokens`, `model.configuration.*`;
 * v2 `model.id` / `model.options.maxOutputTokens`) and a body of role sections.
 */
import type { PromptDocument } from './document';
import { splitRoleSections } from './chat-body';
import { splitFrontMatter } from './frontmatter';
import { withoutTemplateComments } from './template-comments';
import { normaliseModelName } from './model-names';
import { envDefault, getNode, getPair, isMap, nodeRange, outputLimitOf, scalarString, parseProblemsOf } from './yaml-nodes';

export function parsePrompty(text: string): PromptDocument {
  const fm = splitFrontMatter(text);
  const root = fm.doc?.contents;
  const model = getNode(root, 'model');
  let modelName: string | undefined;
  let outputLimit: number | undefined;
  let limitPresent = false;
  let version: 'v1' | 'v2' = 'v1';
  if (isMap(model)) {
    const cfg = getNode(model, 'configuration');
    // `${env:AZURE_OPENAI_DEPLOYMENT:gpt-4o}` is Prompty's substitution: its default names the model.
    modelName = [getNode(model, 'id'), getNode(cfg, 'azure_deployment'), getNode(cfg, 'model'), getNode(cfg, 'name'), getNode(model, 'name')]
      .map((n) => envDefault(scalarString(n)))
      .find((n) => n !== undefined);
    if (getNode(model, 'options') || getNode(model, 'id')) version = 'v2';
    const v1 = outputLimitOf(getNode(model, 'parameters'), ['max_tokens', 'max_completion_tokens', 'max_output_tokens', 'maxTokens', 'maxOutputTokens']);
    const v2 = outputLimitOf(getNode(model, 'options'), ['maxOutputTokens', 'max_tokens', 'maxTokens', 'max_output_tokens']);
    outputLimit = v1.value ?? v2.value;
    limitPresent = v1.present || v2.present;
  } else {
    modelName = envDefault(scalarString(model));
    if (modelName) version = 'v2';
  }

  const modelRange = nodeRange(model);
  // Point at the `model:` key itself, not its (next-line) value.
  const modelKey = nodeRange(getPair(root, 'model')?.key);
  const headerStart = modelKey ? fm.yamlStart + modelKey[0] : modelRange ? fm.yamlStart + modelRange[0] : 0;
  const headerEnd = modelRange ? fm.yamlStart + modelRange[1] : Math.max(0, fm.bodyStart - 1);
  const doc: PromptDocument = {
    kind: 'prompty',
    ...(modelName ? { model: normaliseModelName(modelName) } : {}),
    ...(outputLimit !== undefined ? { outputLimit } : limitPresent ? { outputLimitTemplated: true } : {}),
    formatHasOutputLimit: true,
    outputLimitField: version === 'v2' ? 'model.options.maxOutputTokens' : 'model.parameters.max_tokens',
    headerStart,
    headerEnd,
    // The body is a Jinja template (Prompty's default engine; Mustache comments are dropped as well).
    sections: splitRoleSections(text, fm.bodyStart, 'system')
      .map((s) => withoutTemplateComments(s, true))
      .filter((s) => s.text.trim().length > 0),
    parseProblems: parseProblemsOf(fm.doc, fm.yamlStart),
  };
  if (outputLimit === undefined && !limitPresent) {
    doc.limitInsertion = limitInsertion(text, fm.yamlStart, fm.yamlEnd, model, version);
  }
  return doc;
}

/** Where to add the output limit: inside an existing `parameters:`/`options:` map, else at the end of `model:`. */
function limitInsertion(text: string, yamlStart: number, yamlEnd: number, model: unknown, version: 'v1' | 'v2'): PromptDocument['limitInsertion'] {
  const key = version === 'v2' ? 'maxOutputTokens' : 'max_tokens';
  const title = `Add ${key}: 1024`;
  if (!isMap(model)) {
    // No model block (or a scalar model): append a complete block at the end of the front matter.
    if (yamlEnd === 0) return undefined;
    if (model !== undefined) return undefined; // `model: id` scalar: rewriting it is not a safe automatic edit
    const block = version === 'v2' ? `model:\n  options:\n    ${key}: 1024\n` : `model:\n  parameters:\n    ${key}: 1024\n`;
    return { offset: yamlEnd, newText: block, title };
  }
  const innerKey = version === 'v2' ? 'options' : 'parameters';
  const inner = getNode(model, innerKey);
  // `parameters:` with no map under it (empty, or its keys lost to bad indentation): a second
  // `parameters:` would be a duplicate key, which Prompty's YAML loader rejects or reads as the last one.
  if (!isMap(inner) && getPair(model, innerKey)) return undefined;
  const target = isMap(inner) ? inner : model;
  const r = nodeRange(target);
  const first = target.items[0];
  const firstKeyRange = first ? nodeRange(first.key) : undefined;
  if (!r || !firstKeyRange) return undefined;
  const keyOffset = yamlStart + firstKeyRange[0];
  const lineStart = text.lastIndexOf('\n', keyOffset - 1) + 1;
  const indent = text.slice(lineStart, keyOffset);
  if (!/^[ \t]*$/.test(indent)) return undefined; // flow style: leave it to the user
  // Insert on the line after the map's last value (r[1] may or may not already include its newline).
  const nl = text.indexOf('\n', yamlStart + r[1] - 1);
  const insertAt = Math.min(nl < 0 ? text.length : nl + 1, yamlEnd);
  const body = target === model ? `${indent}${version === 'v2' ? 'options' : 'parameters'}:\n${indent}  ${key}: 1024\n` : `${indent}${key}: 1024\n`;
  return { offset: insertAt, newText: body, title };
}
