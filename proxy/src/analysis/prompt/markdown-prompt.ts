/**
 * Markdown/text prompts: VS Code prompt files (`.prompt.md`, front matter `model`), instruction files
 * (`*.instructions.md`, `copilot-instructions.md`, `AGENTS.md`, `CLAUDE.md`) and plain templates.
 * None of these formats has an output-limit field.
 */
import type { PromptFileKind } from '../types';
import { verbatimMap, type PromptDocument } from './document';
import { splitFrontMatter } from './frontmatter';
import { normaliseModelName } from './model-names';
import { getNode, scalarString } from './yaml-nodes';

export function parseMarkdownPrompt(text: string, kind: PromptFileKind): PromptDocument {
  const fm = splitFrontMatter(text);
  const modelName = scalarString(getNode(fm.doc?.contents, 'model'));
  const role = kind === 'vscode-prompt' || kind === 'prompt-template' ? 'user' : 'system';
  const body = text.slice(fm.bodyStart);
  return {
    kind,
    ...(modelName ? { model: normaliseModelName(modelName) } : {}),
    formatHasOutputLimit: false,
    headerStart: 0,
    headerEnd: text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'),
    sections: body.trim().length === 0 ? [] : [{ role, text: body, start: fm.bodyStart, end: text.length, map: verbatimMap(fm.bodyStart) }],
    parseProblems: (fm.doc?.errors ?? []).map((e) => ({ message: e.message, start: fm.yamlStart + e.pos[0], end: fm.yamlStart + e.pos[1] })),
  };
}
