/**
 * Request fields an answer repeats back. The Responses API echoes attribution fields the cache
 * key leaves out (`metadata`, `user`, `safety_identifier`, `prompt_cache_key`,
 * `prompt_cache_retention`): a stored answer replayed as it is would hand one caller another's
 * metadata or end-user id. A hit carries this request's values instead, as the upstream would.
 * Pure: no I/O.
 */
import { canonicalJson } from './canonical';

type Obj = Record<string, unknown>;

/** Echoed fields per endpoint, with the value the API shows when the request did not send one. */
const ECHOED: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  responses: { metadata: {}, user: null, safety_identifier: null, prompt_cache_key: null, prompt_cache_retention: null },
};

/**
 * `stored` with the echoed fields it has set from `request`; undefined when nothing differs (the
 * stored text is then replayed byte for byte).
 */
export function withRequestEcho(endpoint: string, stored: Obj, request: Obj): Obj | undefined {
  const fields = ECHOED[endpoint];
  if (!fields) return undefined;
  let out: Obj | undefined;
  for (const [k, absent] of Object.entries(fields)) {
    if (!(k in stored)) continue; // an answer that never echoed the field keeps not echoing it
    const v = request[k] ?? absent;
    if (canonicalJson(v) === canonicalJson(stored[k])) continue;
    out ??= { ...stored };
    out[k] = v;
  }
  return out;
}
