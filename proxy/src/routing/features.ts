/**
 * Cheap prompt features for the complexity score, each in [0, 1]. Pure string work: no tokenizer,
 * no model — this runs on every routed request before anything else is known.
 */
export interface ChatText {
  role: string;
  text: string;
}

export type FeatureName = 'length' | 'context' | 'task' | 'code' | 'math' | 'reasoning' | 'constraints' | 'multiStep' | 'depth' | 'simple';
export type Features = Record<FeatureName, number>;

const CODE_FENCE = /```/;
const CODE_TOKENS =
  /(\bfunction\b|\bdef\s+\w+\s*\(|\bclass\s+\w+|=>|\breturn\b|\bconst\s+\w+\s*=|\bimport\s+[\w{]|#include|\bSELECT\b|\bfn\s+\w+|\bpublic\s+\w+|\bconsole\.\w+|\b\w+\([^)]*\)\s*\{|;\s*$|\buint\b|\bfor\s*\(|\brequire\()/gm;
const CODE_WORDS =
  /\b(code|function|script|class|implement(ation)?|refactor|regex|regular expression|sql|query|api|endpoint|compiler|interpreter|bug|stack trace|typescript|javascript|python|golang|rust|java|c\+\+|react|docker(file)?|kubernetes|unit tests?)\b/gi;
const MATH =
  /\b(prove|proof|theorem|lemma|derive|derivation|integral|derivative|equation|probability|matrix|eigen\w*|optimi[sz]\w*|linear program|complexity|induction|integer solutions|closed-form|variance|characteristic functions?|error bounds?|sample size|shadow prices)\b|[∑∫√≤≥≠]|\b\w\^\d|\bO\([^)]*\)/gi;
const REASONING =
  /\b(step[- ]by[- ]step|why|analy[sz]e|analysis|compare|comparison|trade-?offs?|design|architecture|diagnos\w*|root causes?|evaluate|justify|critically|hypothes[ie]s|failure modes?|strategy|recommend\w*|plan|investigat\w*|assess|reason(ing)?|implications?|pros and cons|weigh)\b/gi;
const CONSTRAINTS =
  /\b(must|should|without|at least|at most|no more than|less than|exactly|ensure|guarantee|only|avoid|never|each|every|within|required?|while keeping|keeping)\b|\bdon'?t\b|\bdo not\b/gi;
const TASK =
  /\b(write|explain|describe|create|implement|build|summari[sz]e|outline|draft|refactor|compare|calculate|solve|review|debug|fix|convert this|generate|design|give me feedback|how (do|can) i|what are the (main )?(differences|steps)|difference between)\b/gi;
const MULTI_STEP = /\b(first|then|after that|finally|next|and then|followed by|walk through|step \d|phase)\b/gi;
const SIMPLE =
  /^(hi|hello|hey|thanks|thank you)\b|\b(what is the (?!difference)|what's the (?!difference)|who (wrote|painted|is)|define|translate|synonym|antonym|capital of|how many|spell|convert|fix the typo|correct the grammar|rephrase|shorten|capitalize|plural|yes or no|abbreviation|stand for|classify|tag this|one[- ]line|one sentence|one-word)\b/gi;

function count(re: RegExp, text: string): number {
  re.lastIndex = 0;
  return text.match(re)?.length ?? 0;
}

const MAX_SCANNED = 8000;

const sat = (x: number, full: number): number => Math.min(1, Math.max(0, x / full));

/**
 * The user turns that ask something: with text. A tool-call follow-up sends the tool's output as a
 * user turn without text on the Anthropic (`tool_result` blocks) and Responses
 * (`function_call_output` items) protocols, where OpenAI chat uses a `tool` role; either way the ask
 * is still the user's last written turn, so the three protocols route one conversation alike.
 */
export function askingTurns(messages: ChatText[]): ChatText[] {
  return messages.filter((m) => m.role === 'user' && m.text.trim() !== '');
}

/** The ask: the last user turn with text (else the last message). */
export function askText(messages: ChatText[]): string {
  return (askingTurns(messages).at(-1) ?? messages.at(-1))?.text ?? '';
}

// Han, kana and Hangul: about one token per character in GPT and Claude tokenizers, not one per four.
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/**
 * Estimated tokens of a text without a tokenizer: characters / 4, but a CJK character counts as a
 * token — at characters / 4, a Chinese or Japanese ask looked a quarter of its length to the router.
 */
export function estimateTokens(text: string): number {
  CJK.lastIndex = 0;
  const cjk = text.match(CJK)?.length ?? 0;
  return (text.length - cjk) / 4 + cjk;
}

export function extractFeatures(messages: ChatText[]): Features {
  const userTurns = askingTurns(messages);
  const allChars = messages.reduce((n, m) => n + m.text.length + 1, 0);
  const fullLast = askText(messages);
  // The cue regexes only look at the first 8k characters: enough to read the ask, and a pasted
  // blob (base64, minified code) cannot make routing slow.
  const last = fullLast.length > MAX_SCANNED ? fullLast.slice(0, MAX_SCANNED) : fullLast;
  // Length of the ask itself (~4 characters per token), log scale: ~8 tokens → 0, ~150 → 1. A long
  // system prompt or history says little about how hard the new question is; that is `context`.
  const lastTokens = estimateTokens(fullLast);
  const length = sat(Math.log10(Math.max(lastTokens, 1) / 8), Math.log10(150 / 8));
  const context = sat(Math.log10(Math.max(allChars / 4, 1) / 200), 2);
  const codeTokens = count(CODE_TOKENS, last);
  const code = CODE_FENCE.test(last) ? 1 : Math.max(sat(codeTokens, 3), 0.5 * sat(count(CODE_WORDS, last), 2));
  // Full-width stops (。！？) end CJK sentences without a following space.
  const sentences = last.split(/[.!?](?:\s|$)|[。！？]/).filter((s) => s.trim().length > 3).length;
  const listItems = (last.match(/^\s*(?:[-*•]|\d+[.)])\s+/gm) ?? []).length;
  const commas = (last.match(/[,，、]/g) ?? []).length;
  return {
    length,
    context,
    task: sat(count(TASK, last), 1),
    code,
    math: sat(count(MATH, last), 2),
    reasoning: sat(count(REASONING, last), 2),
    constraints: sat(count(CONSTRAINTS, last) + listItems + Math.max(0, commas - 2) / 2, 4),
    multiStep: sat(count(MULTI_STEP, last) + Math.max(0, sentences - 2) + Math.max(0, (last.match(/\?/g) ?? []).length - 1), 4),
    depth: sat(userTurns.length - 1, 6),
    simple: lastTokens < 30 ? sat(count(SIMPLE, last), 1) : 0,
  };
}
