/**
 * Output image tokens a GPT Image call can bill, before the call: what a budget reservation must
 * hold for /v1/images/generations, /v1/images/edits and a Responses `image_generation` tool.
 * Reserved as text output (the policy's default limit at the text rate), a gpt-image-1.5 image at
 * high quality was reserved at about a fifth of its bill. Pure: no I/O.
 *
 * Source: OpenAI's image generation guide, "Cost and latency" (developers.openai.com/api/docs/guides/
 * image-generation#cost-and-latency, read 2026-12-02): the image tokens per quality and size below,
 * the same for gpt-image-1, gpt-image-1-mini and gpt-image-1.5 (their per-image prices on the pricing
 * page are these tokens at each model's image-output rate), and 100 more image tokens per partial
 * image streamed (`partial_images`). dall-e-* (billed per image) has no table and is left to the
 * text estimate.
 *
 * gpt-image-2 takes free-form sizes (`WIDTHxHEIGHT`, multiples of 16, up to 3840x2160: openai-node's
 * `size` doc) and no table of its image tokens is published beside the one above, so it is estimated
 * from that table: the tokens of the documented size nearest in aspect ratio, at the same quality,
 * scaled by pixel area. An estimate for a reservation, not a bill: the ledger records the usage the
 * answer reports.
 */
import { modelOwnName } from './modelName';

type Quality = 'low' | 'medium' | 'high';

/** Image output tokens by quality, then size (`WxH`). */
const GPT_IMAGE_TOKENS: Readonly<Record<Quality, Readonly<Record<string, number>>>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1_056, '1024x1536': 1_584, '1536x1024': 1_568 },
  high: { '1024x1024': 4_160, '1024x1536': 6_240, '1536x1024': 6_208 },
};

/** Image tokens each partial image of a streamed generation adds. */
const PARTIAL_IMAGE_TOKENS = 100;

/** The most images one Images API call returns (`n`: 1 to 10). */
const MAX_IMAGES = 10;

/** The family the table prices, by the model's own name: gpt-image-1, -1-mini, -1.5 and their snapshots. */
const GPT_IMAGE_MODEL = /^gpt-image-1(?:$|[.-])/;

/**
 * Families with free-form sizes, estimated from the table by pixel area: gpt-image-2 and later, any
 * snapshot or minor release (`gpt-image-2-2026-04-21`, `gpt-image-2.1`), and `chatgpt-image-latest`,
 * the alias of whichever image model ChatGPT uses now (OpenAI's image generation guide).
 */
const FREE_SIZE_MODEL = /^(?:gpt-image-(?:[2-9]|\d{2,})(?:$|[.-])|chatgpt-image-)/;

/** The largest edge a free-form size may have (3840x2160); a larger one is refused by the API. */
const MAX_EDGE = 3_840;

/** The model a Responses `image_generation` tool draws with when it names none. */
export const DEFAULT_IMAGE_TOOL_MODEL = 'gpt-image-1';

/** A request field as a whole number, as JSON sends it or a multipart form (an edit) sends it: a string. */
function whole(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Image tokens of one image of this model at this quality and size; `auto`, absent or unknown
 * values take the most they can bill (high quality, the largest size). Undefined: no table for
 * this model.
 */
export function imageOutputTokens(model: string, quality: unknown, size: unknown): number | undefined {
  const m = modelOwnName(model);
  const freeSize = FREE_SIZE_MODEL.test(m);
  if (!freeSize && !GPT_IMAGE_MODEL.test(m)) return undefined;
  const q: Quality = quality === 'low' || quality === 'medium' ? quality : 'high';
  const bySize = GPT_IMAGE_TOKENS[q];
  const key = typeof size === 'string' ? size.trim().toLowerCase() : undefined;
  const exact = key !== undefined ? bySize[key] : undefined;
  const largest = Math.max(...Object.values(bySize));
  if (exact !== undefined || !freeSize) return exact ?? largest;
  const dims = key !== undefined ? /^(\d{1,5})x(\d{1,5})$/.exec(key) : null;
  if (!dims) return largest;
  const w = Math.min(MAX_EDGE, Number(dims[1]));
  const h = Math.min(MAX_EDGE, Number(dims[2]));
  if (w === 0 || h === 0) return largest;
  return Math.ceil(areaEstimate(bySize, w, h));
}

/** Tokens of a `w`×`h` image: the documented size nearest in aspect ratio, scaled by pixel area. */
function areaEstimate(bySize: Readonly<Record<string, number>>, w: number, h: number): number {
  let best: { distance: number; perPixel: number } | undefined;
  for (const [size, tokens] of Object.entries(bySize)) {
    const [dw, dh] = size.split('x').map(Number) as [number, number];
    const distance = Math.abs(Math.log(w / h) - Math.log(dw / dh));
    if (!best || distance < best.distance) best = { distance, perPixel: tokens / (dw * dh) };
  }
  return best!.perPixel * w * h;
}

/**
 * Image output tokens an Images API request (generation or edit: `n`, `quality`, `size`,
 * `partial_images`) can bill, or undefined when the model has no table here.
 */
export function imagesRequestOutputTokens(model: string, body: Record<string, unknown>): number | undefined {
  const each = imageOutputTokens(model, body.quality, body.size);
  if (each === undefined) return undefined;
  const n = Math.min(MAX_IMAGES, Math.max(1, whole(body.n) ?? 1));
  const partials = body.stream === true || body.stream === 'true' ? (whole(body.partial_images) ?? 0) : 0;
  return n * (each + partials * PARTIAL_IMAGE_TOKENS);
}

/**
 * The image a Responses API request's `image_generation` tool can draw: its model and image tokens
 * (one image per tool call, `max_tool_calls` of them when set, else one), or undefined.
 */
export function imageToolOutput(body: Record<string, unknown>): { model: string; tokens: number } | undefined {
  if (!Array.isArray(body.tools)) return undefined;
  const tool = body.tools.find((t): t is Record<string, unknown> => !!t && typeof t === 'object' && (t as Record<string, unknown>).type === 'image_generation');
  if (!tool) return undefined;
  const model = typeof tool.model === 'string' ? tool.model : DEFAULT_IMAGE_TOOL_MODEL;
  const each = imageOutputTokens(model, tool.quality, tool.size);
  if (each === undefined) return undefined;
  const calls = Math.max(1, whole(body.max_tool_calls) ?? 1);
  return { model, tokens: calls * (each + (whole(tool.partial_images) ?? 0) * PARTIAL_IMAGE_TOKENS) };
}
