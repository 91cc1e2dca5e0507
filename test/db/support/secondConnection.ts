/**
 * A real proxy and a second real connection on its data file, as another Tollgate (a newer window,
 * the CLI) would hold it: what that connection writes is what the running proxy must notice.
 * Both are made before each test and closed after it.
 */
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Db } from '../../../proxy/src/db/sqlite';
import { startHarness, type Harness } from '../../support/harness';

export function proxyWithSecondConnection(policy: Parameters<typeof startHarness>[0]): { readonly h: Harness; readonly other: Db } {
  let h: Harness | undefined;
  let other: Db | undefined;
  beforeEach(async () => {
    h = await startHarness(policy);
    other = new Db(join(h.dataDir, 'tollgate.db'));
    other.pragma('busy_timeout = 5000');
  });
  afterEach(async () => {
    other?.close();
    await h?.close();
  });
  const must = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('used outside a test');
    return v;
  };
  return {
    get h() {
      return must(h);
    },
    get other() {
      return must(other);
    },
  };
}
