/**
 * Input tokens an image part is billed as, before the call: the providers' published vision math
 * per model family and `detail`, on the image's pixel size when the request carries the image
 * (a base64 PNG, JPEG, GIF or WebP: its header says), else the most that family bills for that
 * detail. Used for budget and rate-limit reservations, which must not be below what a call can
 * bill (one fixed figure was 30 times under a gpt-4o-mini photo, 19 times over a low-detail one).
 * Pure: no I/O, no tokenizer.
 *
 * Sources: OpenAI's vision guide ("Calculating costs": 512px tiles with a per-model base and tile
 * price; 32px patches capped at 1,536 with a per-model multiplier) and Anthropic's vision guide
 * (width × height / 750, and one visual token per 28×28 patch of the image padded to whole patches;
 * scaled to a 1,568px long edge and about 1,600 tokens, from Opus 4.7 on to 2,576px and 4,784
 * tokens: platform.claude.com/docs/en/build-with-claude/vision, read 2026-12-03), and Google's
 * Gemini token guide (ai.google.dev/gemini-api/docs/tokens, "Image": 258 tokens when both sides are
 * at most 384px, else 258 per 768×768 tile; Vertex AI scales an image to fit 3072×3072 first) and
 * media-resolution guide (ai.google.dev/gemini-api/docs/media-resolution: Gemini 3 bills an image
 * 1,120 tokens at its default, high, resolution), read 2026-12-02.
 */
import { claudeFrom47 } from './models';

/** Tokens assumed for an image of a model whose vision math is not known here (about the most Claude took before 4.7). */
export const UNKNOWN_IMAGE_TOKENS = 1_600;

type Detail = 'low' | 'high';

/** A model family's vision math. */
type Vision =
  | { kind: 'tiles'; base: number; tile: number }
  | { kind: 'patches'; multiplier: number }
  | { kind: 'anthropic' }
  | { kind: 'gemini' }
  | { kind: 'fixed'; tokens: number };

/**
 * Families by model id (vendor prefix and snapshot date allowed), first match wins: the minis
 * before their full-size family. gpt-4o-mini bills a tile at 5,667 tokens so that an image costs
 * what it does on gpt-4o at a 33rd of the rate.
 */
const FAMILIES: ReadonlyArray<readonly [RegExp, Vision]> = [
  [/(?:^|[/.])gpt-4o-mini/, { kind: 'tiles', base: 2_833, tile: 5_667 }],
  [/(?:^|[/.])gpt-(?:4\.1|5)-mini/, { kind: 'patches', multiplier: 1.62 }],
  [/(?:^|[/.])gpt-(?:4\.1|5)-nano/, { kind: 'patches', multiplier: 2.46 }],
  [/(?:^|[/.])(?:o4-mini|codex-mini)/, { kind: 'patches', multiplier: 1.72 }],
  [/(?:^|[/.])o(?:1|3)(?:-pro)?(?:-\d{4}-\d{2}-\d{2})?$/, { kind: 'tiles', base: 75, tile: 150 }],
  [/(?:^|[/.])computer-use-preview/, { kind: 'tiles', base: 65, tile: 129 }],
  [/(?:^|[/.])gpt-5(?:-chat-latest|-\d{4}-\d{2}-\d{2})?$/, { kind: 'tiles', base: 70, tile: 140 }],
  [/(?:^|[/.])(?:chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-4-vision)/, { kind: 'tiles', base: 85, tile: 170 }],
  [/(?:^|[/.@])claude-/, { kind: 'anthropic' }],
  // Gemini 3 and later: a fixed budget per image by media resolution, 1,120 at the default (high).
  [/(?:^|[/.@])gemini-(?:[3-9]|\d{2,})/, { kind: 'fixed', tokens: 1_120 }],
  [/(?:^|[/.@])gemini-/, { kind: 'gemini' }],
];

function visionOf(model: string): Vision | undefined {
  const id = model.trim().toLowerCase();
  return FAMILIES.find(([re]) => re.test(id))?.[1];
}

/** The most patches a patch-billed image is cut into; larger images are scaled down to fit. */
const MAX_PATCHES = 1_536;
const PATCH = 32;
/** Tile math: fit in 2048×2048, then the short side down to 768, then 512px tiles (so at most 4 × 2). */
const MAX_TILES = 8;
/**
 * Anthropic scales an image down to fit its model's native resolution: a 1,568px long edge and about
 * 1,600 tokens, and from Opus 4.7 on (tokens/models.ts claudeFrom47) 2,576px and 4,784 tokens (92×52
 * patches; a 3.75 MP image was reserved at 1,600 tokens and billed about three times that).
 */
const ANTHROPIC_STANDARD = { edge: 1_568, tokens: 1_600 };
const ANTHROPIC_HIGH_RESOLUTION = { edge: 2_576, tokens: 4_784 };
const ANTHROPIC_PATCH = 28;

/** Gemini (before 3): 258 tokens a tile of 768px, one tile for an image within 384×384, at most 3072×3072. */
const GEMINI_TILE_TOKENS = 258;
const GEMINI_SMALL = 384;
const GEMINI_TILE = 768;
const GEMINI_MAX_EDGE = 3_072;

function geminiTiles(width: number, height: number): number {
  if (width <= GEMINI_SMALL && height <= GEMINI_SMALL) return 1;
  const fit = Math.min(1, GEMINI_MAX_EDGE / Math.max(width, height));
  return Math.ceil((width * fit) / GEMINI_TILE) * Math.ceil((height * fit) / GEMINI_TILE);
}

function tiles(width: number, height: number): number {
  let w = width;
  let h = height;
  const fit = 2048 / Math.max(w, h);
  if (fit < 1) {
    w *= fit;
    h *= fit;
  }
  const short = 768 / Math.min(w, h);
  if (short < 1) {
    w *= short;
    h *= short;
  }
  return Math.ceil(w / 512) * Math.ceil(h / 512);
}

function patches(width: number, height: number): number {
  const n = Math.ceil(width / PATCH) * Math.ceil(height / PATCH);
  if (n <= MAX_PATCHES) return n;
  // Scaled down to fit the cap, then to a whole number of patches across: never more than the cap.
  const shrink = Math.sqrt((MAX_PATCHES * PATCH * PATCH) / (width * height));
  const w = (width * shrink) / PATCH;
  const h = (height * shrink) / PATCH;
  const whole = Math.floor(w) / w;
  return Math.min(MAX_PATCHES, Math.ceil(w * whole) * Math.ceil(h * whole));
}

/** Billed input tokens of one image; `size` undefined when the request does not carry its pixels. */
export function imageTokens(model: string, detail: Detail, size: { width: number; height: number } | undefined): number {
  const v = visionOf(model);
  if (!v) return UNKNOWN_IMAGE_TOKENS;
  const known = size && size.width > 0 && size.height > 0 ? size : undefined;
  switch (v.kind) {
    case 'tiles':
      // `low` is the base alone, whatever the size; high (and `auto`, which may choose it) adds tiles.
      return detail === 'low' ? v.base : v.base + v.tile * (known ? tiles(known.width, known.height) : MAX_TILES);
    case 'patches':
      // These models read `detail` as no cap below the patch limit: the size alone decides.
      return Math.ceil((known ? patches(known.width, known.height) : MAX_PATCHES) * v.multiplier);
    case 'anthropic': {
      const tier = claudeFrom47(model) ? ANTHROPIC_HIGH_RESOLUTION : ANTHROPIC_STANDARD;
      if (!known) return tier.tokens;
      const scale = Math.min(1, tier.edge / Math.max(known.width, known.height));
      const w = known.width * scale;
      const h = known.height * scale;
      // The larger of Anthropic's two formulas: pixels / 750, and whole 28px patches (more for a small image).
      return Math.min(tier.tokens, Math.max(Math.ceil((w * h) / 750), Math.ceil(w / ANTHROPIC_PATCH) * Math.ceil(h / ANTHROPIC_PATCH)));
    }
    case 'gemini':
      // Gemini reads no `detail`; an image it cannot see the size of may be as large as its cap (16 tiles).
      return GEMINI_TILE_TOKENS * (known ? geminiTiles(known.width, known.height) : geminiTiles(GEMINI_MAX_EDGE, GEMINI_MAX_EDGE));
    case 'fixed':
      return v.tokens;
  }
}

/** Bytes of an image read for its header: a JPEG's size marker may follow tens of KB of EXIF data. */
const HEADER_BYTES = 96 * 1024;

/** The pixel size of a PNG, GIF, WebP or JPEG from its first bytes, else undefined. */
export function imageSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.length >= 10 && b.toString('latin1', 0, 4) === 'GIF8') return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
    return undefined;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      // Fill bytes, and markers without a length (RSTn, TEM).
      if (marker === 0xff) {
        i++;
        continue;
      }
      if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2;
        continue;
      }
      // Start of frame (SOF0–SOF15 but DHT, JPG and DAC): height, then width.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
      i += 2 + b.readUInt16BE(i + 2);
    }
  }
  return undefined;
}

/** The pixel size of an image sent inline: a base64 `data:` URL or an Anthropic base64 source's data. */
export function inlineImageSize(base64OrDataUrl: string): { width: number; height: number } | undefined {
  const comma = base64OrDataUrl.startsWith('data:') ? base64OrDataUrl.indexOf(',') : -1;
  if (base64OrDataUrl.startsWith('data:') && !base64OrDataUrl.slice(0, comma).includes(';base64')) return undefined;
  // 4 base64 characters are 3 bytes: only the header's share is decoded.
  const head = base64OrDataUrl.slice(comma + 1, comma + 1 + (HEADER_BYTES / 3) * 4);
  return imageSize(Buffer.from(head, 'base64'));
}
