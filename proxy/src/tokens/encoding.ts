/**
 * Which tiktoken encoding a model uses, and one lazily built encoder per encoding.
 * Building an encoder parses its whole rank table (o200k ≈ 1–2 s), so it happens on first use,
 * never at import time, and at most once per encoding per process.
 */
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

export { encodingForModel, type EncodingChoice, type EncodingName } from './models';
import type { EncodingName } from './models';

const RANKS: Record<EncodingName, TiktokenBPE> = { o200k_base: o200kBase, cl100k_base: cl100kBase };
const encoders = new Map<EncodingName, Tiktoken>();

export function getEncoder(name: EncodingName): Tiktoken {
  let enc = encoders.get(name);
  if (!enc) {
    enc = new Tiktoken(RANKS[name]);
    encoders.set(name, enc);
  }
  return enc;
}
