/**
 * A hot reload that reads a half-written policy (a program saving it in place, pausing between two
 * writes) keeps the last good one and logs its problems; the log now also says how to save it so
 * that never happens (write elsewhere, rename over), once per run: not again for each later edit
 * that is invalid. Real policy file watched by a running proxy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../proxy/src/server/start';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-reload-advice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ADVICE = /write the new policy elsewhere and rename it over the old one/;

describe('an invalid policy read by a hot reload', () => {
  it('logs the advice to save by rename once, with the first one', async () => {
    const file = join(dir, 'policy.yaml');
    const good = ['version: 1', 'budgets:', '  - name: day', '    period: day', '    usd: 10', ''].join('\n');
    writeFileSync(file, good);
    const warnings: string[] = [];
    const proxy = await startProxy({ port: 0, dataDir: join(dir, 'data'), policyFile: file, env: {}, log: { info() {}, warn: (l: string) => warnings.push(l), error() {} } });
    try {
      expect(warnings.filter((w) => ADVICE.test(w))).toEqual([]);
      // Cut off mid-line, as a writer that stopped half-way leaves it.
      writeFileSync(file, good.slice(0, good.indexOf('day\n    usd') + 2));
      await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toMatch(/^policy not applied, the last good one stays in force: .*policy\.yaml:4:\d+: budgets\.0\.period/m);
      // On the event's last line: as many lines as problems.
      expect(warnings.filter((w) => ADVICE.test(w))).toEqual([warnings.at(-1)]);
      // A second, different invalid edit: its problem is logged, the advice is not again.
      writeFileSync(file, 'version: 1\nbudgets: 5\n');
      await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toMatch(/^policy not applied, the last good one stays in force: .*policy\.yaml:2:\d+: budgets: /m);
      expect(warnings.filter((w) => ADVICE.test(w))).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
