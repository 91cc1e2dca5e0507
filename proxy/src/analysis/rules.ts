/** The lint rules: id, title, default severity and what each reports (docs and settings read this). */
import type { RuleInfo } from './types';

export const RULES: readonly RuleInfo[] = [
  {
    id: 'missing-output-limit',
    title: 'LLM call without an output limit',
    defaultSeverity: 'warning',
    description:
      'An OpenAI, Vercel AI SDK, LangChain or Google GenAI call in TypeScript/JavaScript, Python, Go or Java sets no output token limit, so a single reply can run to the model maximum.',
  },
  {
    id: 'anthropic-missing-max-tokens',
    title: 'Anthropic messages.create without max_tokens',
    defaultSeverity: 'error',
    description: 'Anthropic’s Messages API requires max_tokens; the request fails without it.',
  },
  {
    id: 'prompt-missing-output-limit',
    title: 'Prompt file without an output limit',
    defaultSeverity: 'warning',
    description: 'A Prompty, GitHub Models .prompt.yml or promptfoo file whose format has an output limit sets none.',
  },
  {
    id: 'prompt-parse-error',
    title: 'Prompt file that does not parse',
    defaultSeverity: 'warning',
    description:
      'The YAML of a Prompty, .prompt.yml or promptfoo file (or a prompt’s front matter) has a syntax error, so part of the prompt is not counted — and the tool that reads the file will fail or read it differently.',
  },
  {
    id: 'duplicate-text',
    title: 'Repeated sentence or paragraph',
    defaultSeverity: 'warning',
    description: 'The same sentence or paragraph appears more than once in a prompt, so it is paid for on every call.',
  },
  {
    id: 'duplicate-instructions',
    title: 'Paragraph repeated across always-on instruction files',
    defaultSeverity: 'warning',
    description:
      'copilot-instructions.md, AGENTS.md, CLAUDE.md and *.instructions.md are sent on every request; a paragraph that appears in several of them is paid for several times.',
  },
  {
    id: 'cache-hostile-order',
    title: 'Variable content before a long static part',
    defaultSeverity: 'info',
    description:
      'Provider prefix caching (≥1,024 identical leading tokens) cannot apply when a template variable comes before a long static part; move the variable part to the end.',
  },
  {
    id: 'wasteful-formatting',
    title: 'Formatting that costs tokens',
    defaultSeverity: 'info',
    description:
      'Pretty-printed JSON examples, runs of whitespace and decorative markup, reported only when the suggested form has fewer tokens as measured by the tokenizer.',
  },
  {
    id: 'few-shot-share',
    title: 'Few-shot examples dominate the prompt',
    defaultSeverity: 'info',
    description: 'Few-shot examples take more than the configured share (fewShotMaxShare, default 0.5) of the prompt’s tokens.',
  },
  {
    id: 'unbounded-output',
    title: 'Request for unbounded output with no output limit',
    defaultSeverity: 'warning',
    description: 'The prompt asks for output “as long as possible”, to “list all” and the like, and no output limit caps it.',
  },
  {
    id: 'politeness',
    title: 'Politeness boilerplate',
    defaultSeverity: 'hint',
    description: 'Phrases like “please” and “thank you” cost tokens on every call and rarely change the answer (information only).',
  },
];

export function ruleInfo(id: string): RuleInfo | undefined {
  return RULES.find((r) => r.id === id);
}
