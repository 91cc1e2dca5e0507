/**
 * Files the analysis engine always recognises as prompts (by name), for document selectors and
 * activation events. Plain .txt/.md templates are added by the `tollgate.promptGlobs` setting.
 * Pure data: the manifest test checks package.json against it.
 */
export const KNOWN_PROMPT_PATTERNS = [
  '**/*.prompt.md',
  '**/*.prompty',
  '**/*.prompt.yml',
  '**/*.prompt.yaml',
  '**/*.instructions.md',
  '**/copilot-instructions.md',
  '**/AGENTS.md',
  '**/CLAUDE.md',
  '**/promptfooconfig.yaml',
  '**/promptfooconfig.yml',
];

/** The analysis engine's default template globs, the `tollgate.promptGlobs` default. */
export { DEFAULT_PROMPT_GLOBS as DEFAULT_TEMPLATE_GLOBS } from '../../../proxy/src/analysis/prompt/detect';
