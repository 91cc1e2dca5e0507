/**
 * The model id an SDK's model constant stands for, without a copy of the SDK's tables: Java's
 * `ChatModel.GPT_4_1_MINI` / `Model.CLAUDE_3_5_SONNET_LATEST` and Go's `openai.ChatModelGPT4_1Mini` /
 * `anthropic.ModelClaude3_7SonnetLatest` are the id's words with its separators dropped or
 * replaced (`gpt-4.1-mini`, `claude-3-5-sonnet-latest`). Each way of putting the separators back is
 * tried, and the one the price list knows is the id; a constant no reading of which is a known model
 * stays unknown (the lens then says the model is not visible) rather than a guess. genai-prices
 * matches loose spellings too (`gpt-5-1` prices as gpt-5.1), so of its readings the one closest to
 * the id it matched is taken: `GPT5_1` is gpt-5.1, as the SDKs spell it, not gpt-5-1.
 */
import { priceCall, unitPrices } from '../../pricing/price';
import { inCatalogue } from '../cost/max-output';

const cache = new Map<string, string | undefined>();


/** The id genai-prices matched for a spelling, when it prices it (its patterns also match looser spellings). */
function pricedAs(id: string): string | undefined {
  if (unitPrices(id) === undefined) return undefined;
  return priceCall(id, { inputTokens: 1, outputTokens: 1 }).matchedModel ?? id;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Words of a constant: `GPT_4O_MINI` → GPT 4O MINI; `GPT4_1Mini` → GPT 4 _ 1 Mini; `O3Mini` → O 3 Mini. */
function words(name: string): string[] {
  return name.match(/_|\d+|[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+/g) ?? [];
}

/** At most this many places where a separator may go (3^10 readings at most). */
const MAX_JOINTS = 10;

/** The model id a constant's name (without its type prefix: `GPT_4O`, `GPT4o`) reads as, if the catalogue knows one. */
export function modelOfConstant(name: string): string | undefined {
  if (cache.has(name)) return cache.get(name);
  const parts = words(name).filter((w) => w !== '_');
  // Where the name had an underscore, a separator was certainly there (`-` or `.`); elsewhere maybe none.
  const underscored: boolean[] = [];
  {
    const all = words(name);
    for (let i = 0, p = 0; i < all.length; i++) {
      if (all[i] === '_') underscored[p - 1] = true;
      else p++;
    }
  }
  let found: string | undefined;
  const joints = parts.length - 1;
  if (parts.length > 0 && joints <= MAX_JOINTS) {
    const choices = (i: number): string[] => {
      const digits = /\d$/.test(parts[i]!) && /^\d/.test(parts[i + 1]!);
      const seps = digits ? ['-', '.'] : ['-'];
      if (underscored[i]) return seps;
      // A lowercase word right after a number belongs to it (`4o`); elsewhere a hyphen is likelier than nothing.
      return /\d$/.test(parts[i]!) && /^[a-z]/.test(parts[i + 1]!) ? ['', ...seps] : [...seps, ''];
    };
    // Every reading, likeliest first; at most 3^MAX_JOINTS strings.
    let readings = [parts[0]!.toLowerCase()];
    for (let i = 0; i < joints; i++) readings = readings.flatMap((acc) => choices(i).map((sep) => `${acc}${sep}${parts[i + 1]!.toLowerCase()}`));
    found = readings.find(inCatalogue);
    if (!found) {
      const first = readings.findIndex((r) => pricedAs(r) !== undefined);
      if (first >= 0) {
        // The priced reading nearest the id genai-prices matched (that id, or it plus a date or suffix).
        const target = pricedAs(readings[first]!)!;
        const nearer = readings
          .map((r, i) => ({ r, i, shared: commonPrefix(r, target) }))
          .filter((c) => c.shared > commonPrefix(readings[first]!, target))
          .sort((a, b) => b.shared - a.shared || a.i - b.i);
        found = nearer.find((c) => pricedAs(c.r) !== undefined)?.r ?? readings[first];
      }
    }
  }
  cache.set(name, found);
  return found;
}
