/**
 * Input a Claude call is billed for because it has tools, beyond the tool definitions it sends.
 * Anthropic adds a tool-use system prompt to every request with tools — 346 tokens (`tool_choice`
 * auto or none) or 313 (any, tool) from Claude 3.5 Sonnet to 4.6, at most 340 for the Haiku 3 and 3.5
 * models — and its own tools carry definitions the request does not spell out: bash 245 tokens, the
 * text editor 700, computer use 735 plus a system prompt of up to 499 (Anthropic's tool-use docs,
 * "Pricing"). Counted from the JSON of the tools alone, Anthropic's own token-counting example (one
 * weather tool and a one-line question, 403 tokens) was reserved at 91. Pure.
 */
import { CLAUDE_BEFORE_4_7, reservationTokenFactor } from './models';

const TOOL_USE_SYSTEM_PROMPT = 346;

/** Anthropic-defined tools by their `type` (`bash_20250124`, `text_editor_20250728`, `computer_20250124`…). */
const DEFINED_TOOLS: [prefix: string, tokens: number][] = [
  ['bash_', 245],
  ['text_editor_', 700],
  ['computer_', 735 + 499],
];

/**
 * Tokens Anthropic adds to a Claude call's input for its tools (an OpenAI-shaped request to Claude
 * through a gateway too: the gateway sends Anthropic the same tools); 0 for other models and for a
 * request without tools.
 */
export function claudeToolPromptTokens(model: string, tools: unknown): number {
  if (!Array.isArray(tools) || tools.length === 0 || !model.toLowerCase().includes('claude')) return 0;
  let n = TOOL_USE_SYSTEM_PROMPT;
  for (const t of tools) {
    const type = t && typeof t === 'object' ? (t as Record<string, unknown>).type : undefined;
    if (typeof type === 'string') n += DEFINED_TOOLS.find(([prefix]) => type.startsWith(prefix))?.[1] ?? 0;
  }
  // The figures are in Claude 3.5–4.6's tokens; Opus 4.7's tokenizer counts up to 1.47 times as many
  // (models.ts; Anthropic's bash tool: 244 tokens before 4.7, 325 from it).
  return Math.ceil((n * reservationTokenFactor(model)) / CLAUDE_BEFORE_4_7);
}
