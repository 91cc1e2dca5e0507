/**
 * The cache directives a request carries: Tollgate's header (strict: a typo is an error, not a
 * silent no-op) and the standard RFC 9111 request directives (lenient: unknown ones ignored).
 */
import { describe, expect, it } from 'vitest';
import { cacheDirectivesOf } from '../../proxy/src/cache/directives';

describe('cacheDirectivesOf', () => {
  it('allows lookup and store without directives', () => {
    expect(cacheDirectivesOf({})).toEqual({ lookup: true, store: true });
    expect(cacheDirectivesOf({ 'x-tollgate-cache': '  ', 'cache-control': '' })).toEqual({ lookup: true, store: true });
  });

  it('reads x-tollgate-cache case-insensitively, as a list, and repeated', () => {
    expect(cacheDirectivesOf({ 'x-tollgate-cache': 'No-Cache' })).toEqual({ lookup: false, store: true });
    expect(cacheDirectivesOf({ 'x-tollgate-cache': 'NO-STORE' })).toEqual({ lookup: false, store: false });
    expect(cacheDirectivesOf({ 'x-tollgate-cache': ['no-cache', 'no-store'] })).toEqual({ lookup: false, store: false });
  });

  it('refuses an x-tollgate-cache value it does not know, naming it', () => {
    for (const v of ['nocache', 'no_store', 'no-cache, bypass', 'off', 'constructor']) {
      const r = cacheDirectivesOf({ 'x-tollgate-cache': v });
      expect(r).toHaveProperty('error');
      expect((r as { error: string }).error).toMatch(/unknown directive ".+"; use no-cache .* or no-store/);
    }
  });

  it('honours the standard request directives', () => {
    expect(cacheDirectivesOf({ 'cache-control': 'no-cache' })).toEqual({ lookup: false, store: true });
    expect(cacheDirectivesOf({ 'cache-control': 'no-store' })).toEqual({ lookup: true, store: false });
    expect(cacheDirectivesOf({ 'cache-control': 'No-Store, No-Cache' })).toEqual({ lookup: false, store: false });
    expect(cacheDirectivesOf({ 'cache-control': 'max-age=0' })).toEqual({ lookup: false, store: true });
    expect(cacheDirectivesOf({ 'cache-control': 'max-age=60, stale-if-error=1, foo' })).toEqual({ lookup: true, store: true });
    expect(cacheDirectivesOf({ pragma: 'no-cache' })).toEqual({ lookup: false, store: true });
    // With Cache-Control present, Pragma is ignored (RFC 9111 §5.4).
    expect(cacheDirectivesOf({ pragma: 'no-cache', 'cache-control': 'max-age=60' })).toEqual({ lookup: true, store: true });
  });
});
