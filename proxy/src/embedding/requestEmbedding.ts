/**
 * One embedding per request: the semantic cache and the router both want the vector of the
 * request's text; whichever asks first starts the embedding and the other gets the same promise.
 * Memoised per request object (a WeakMap, so nothing outlives the call) and per text.
 */

/** Anything that can embed a text now or say it cannot (model loading, queue full): SemanticCache does. */
export interface RequestEmbedder {
  embedIfReady(text: string): Promise<Float32Array> | undefined;
}

const memo = new WeakMap<object, Map<string, Promise<Float32Array>>>();

/**
 * The embedding of `text` for the request identified by `key` (pass the call's context object),
 * or undefined when the embedder cannot take it now (not memoised: a later caller may retry).
 */
export function embedRequestText(key: object, text: string, embedder: RequestEmbedder): Promise<Float32Array> | undefined {
  let perKey = memo.get(key);
  const hit = perKey?.get(text);
  if (hit) return hit;
  const p = embedder.embedIfReady(text);
  if (!p) return undefined;
  if (!perKey) memo.set(key, (perKey = new Map()));
  perKey.set(text, p);
  return p;
}
