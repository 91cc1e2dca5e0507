/**
 * Markdown/text prompts: VS Code prompt files (`.prompt.md`, chat modes, custom agents; front matter `model`), instruction files
 * (`*.instructions.md`, `copilot-instructions.md`, `AGENTS.md`, `CLAUDE.md`) and plain templates.
 * Only Dotprompt templates have an output limit (`config.maxOutputTokens`); it is read, never required.
 */
import type { PromptFileKind } from '../types';
import { verbatimMap, type PromptDocument } from './document';
import { splitFrontMatter } from './frontmatter';
import { withoutTemplateComments } from './template-comments';
import { normaliseModelName } from './model-names';
import { getNode, outputLimitOf, parseProblemsOf, scalarString, seqItems } from './yaml-nodes';

/**
 * `mdx`: the file is MDX, whose ESM blocks, component tags and `{/* … *\/}` comments are not rendered text.
 * `markdown`: the file is CommonMark (not a `.txt` or other text template; MDX has no indented code).
 */
export function parseMarkdownPrompt(text: string, kind: PromptFileKind, options: { mdx?: boolean; markdown?: boolean } = {}): PromptDocument {
  const fm = splitFrontMatter(text);
  // `model` may be a list tried in order (prompt files and custom agents): the first is the one priced.
  const modelNode = getNode(fm.doc?.contents, 'model');
  const modelName = scalarString(modelNode) ?? scalarString(seqItems(modelNode)[0]);
  // Dotprompt (`.prompt`) templates set the limit in their front matter's `config.maxOutputTokens`.
  const limit = kind === 'prompt-template' ? outputLimitOf(getNode(fm.doc?.contents, 'config'), ['maxOutputTokens']) : { present: false };
  const role = kind === 'vscode-prompt' || kind === 'prompt-template' ? 'user' : 'system';
  const body = text.slice(fm.bodyStart);
  return {
    kind,
    ...(modelName ? { model: normaliseModelName(modelName) } : {}),
    ...(limit.value !== undefined ? { outputLimit: limit.value } : limit.present ? { outputLimitTemplated: true } : {}),
    formatHasOutputLimit: false,
    headerStart: 0,
    headerEnd: text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'),
    sections: [{ role, text: body, start: fm.bodyStart, end: text.length, map: verbatimMap(fm.bodyStart) }]
      // A template's comments are not rendered; Markdown prompt and instruction files are sent as written.
      .map((s) => (kind === 'prompt-template' ? withoutTemplateComments(s, false, options.mdx) : s))
      .filter((s) => s.text.trim().length > 0),
    ...(options.markdown && !options.mdx ? { markdown: true } : {}),
    parseProblems: parseProblemsOf(fm.doc, fm.yamlStart),
  };
}
