/**
 * Public types of the analysis API (used by the VS Code extension and `tollgate lint`).
 * Ranges are 0-based lines and UTF-16 characters, exactly like VS Code's `Range`.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  /** Input (or, for output-limit rules, output) tokens the suggested change saves per call. */
  tokensSaved?: number;
  /** $ saved per 1,000 calls at the file's model, when genai-prices knows its price. */
  usdPer1kCalls?: number;
  fixes: QuickFix[];
}

export interface CostLens {
  range: Range;
  label: string;
  model: string;
  inputTokens: number;
  /** false: the model's tokenizer is not public, so inputTokens is an estimate. */
  exact: boolean;
  /** false: no price is known for the model and inputUsd is 0; true with 0 is a free model (OpenAI's moderation). */
  priced: boolean;
  inputUsd: number;
  /** Input cost plus the cost of `max output tokens` of output, when the output limit is known. */
  worstCaseOutputUsd?: number;
  perMessage: Array<{ role: string; tokens: number; range: Range }>;
  comparisons: Array<{ model: string; usd: number }>;
  /** Template variables ({{x}}, {x}, ${x}) whose content is unknown and not counted. */
  placeholders: number;
  /**
   * What the analysis could not see at a code call: `arguments` (built in a parameter, an import or
   * **kwargs — the count is not the request's), `model` (not a literal: the default model is assumed).
   */
  unseen?: Array<'arguments' | 'model'>;
}

export type PromptFileKind =
  | 'prompty'
  | 'github-prompt-yaml'
  | 'vscode-prompt'
  | 'vscode-instructions'
  | 'always-on-instructions'
  | 'promptfoo'
  | 'prompt-template';

export interface FileAnalysis {
  kind: PromptFileKind | 'code' | 'unknown';
  model?: string;
  calls: CostLens[];
  diagnostics: Finding[];
}

export interface AnalysisSettings {
  /** Models whose cost is shown beside the file's model in each CostLens. */
  comparisonModels?: string[];
  /** Model assumed when a file names none (default gpt-4o). */
  defaultModel?: string;
  /** Per-rule severity override; 'off' disables the rule. */
  severities?: Record<string, Severity | 'off'>;
  /** Globs (`*`, `**`, `?`) of plain .txt/.md prompt templates, matched against the path. */
  promptGlobs?: string[];
  /** Share of a prompt's tokens that few-shot examples may take before `few-shot-share` reports (default 0.5). */
  fewShotMaxShare?: number;
  /** Directory holding tree-sitter.wasm and the grammars (tree-sitter-python.wasm, -go.wasm, -java.wasm). */
  wasmDir?: string;
}

export interface RuleInfo {
  id: string;
  title: string;
  defaultSeverity: Severity;
  description: string;
}

export interface AnalysisInput {
  path: string;
  text: string;
  languageId?: string;
}
