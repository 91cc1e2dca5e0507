/**
 * What a request allows the caches to do: look up a stored answer, store the fresh one, both or
 * neither. Read from Tollgate's own `x-tollgate-cache` header and from the standard request
 * directives of RFC 9111 (`Cache-Control: no-cache | no-store | max-age=0`, `Pragma: no-cache`),
 * which HTTP libraries and browsers send when a caller asks for a fresh answer: a cache on the
 * path that ignored them would serve a stored answer to a caller who asked for none, or keep one
 * it was told not to keep.
 *
 * `x-tollgate-cache` is Tollgate's own, so a value it does not know is an error rather than a
 * silent no-op: `nocache` or `no_store` would otherwise serve or keep exactly what the caller
 * tried to prevent. Unknown `Cache-Control` directives are ignored, as RFC 9111 requires.
 */

export interface CacheDirectives {
  /** May a stored answer be served? */
  lookup: boolean;
  /** May the fresh answer be stored? */
  store: boolean;
}

type HeaderValue = string | readonly string[] | undefined;

/** Tollgate's own directives and what each turns off. */
const OWN_DIRECTIVES: Readonly<Record<string, Partial<CacheDirectives>>> = {
  'no-cache': { lookup: false },
  'no-store': { lookup: false, store: false },
};

function tokens(value: HeaderValue): string[] {
  const joined = typeof value === 'string' ? value : value === undefined ? '' : value.join(',');
  return joined
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

export function cacheDirectivesOf(headers: Readonly<Record<string, HeaderValue>>): CacheDirectives | { error: string } {
  const out: CacheDirectives = { lookup: true, store: true };
  for (const t of tokens(headers['x-tollgate-cache'])) {
    const effect = OWN_DIRECTIVES[t];
    if (!Object.hasOwn(OWN_DIRECTIVES, t) || effect === undefined) {
      return {
        error: `x-tollgate-cache: unknown directive ${JSON.stringify(t)}; use no-cache (skip the lookup, store the fresh answer) or no-store (neither look up nor store)`,
      };
    }
    Object.assign(out, effect);
  }
  for (const t of tokens(headers['cache-control'])) {
    // `max-age=0`: the caller accepts no stored answer of any age (RFC 9111 §5.2.1.1).
    if (t === 'no-cache' || /^max-age\s*=\s*"?0+"?$/.test(t)) out.lookup = false;
    else if (t === 'no-store') out.store = false;
  }
  // Pragma counts only without Cache-Control (RFC 9111 §5.4).
  if (headers['cache-control'] === undefined && tokens(headers.pragma).includes('no-cache')) out.lookup = false;
  return out;
}
