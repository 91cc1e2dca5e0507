/**
 * YAML has words for numbers no policy field can hold: `.inf`, `-.inf`, `.nan` (and digits too large
 * for a double, which it reads as infinity). `usd: .inf` is how people write "no cap"; zod's
 * "expected number, received Infinity" read as if .inf were no number at all. The file, line and a
 * readable message, through `tollgate policy validate` on a real file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-output/cli';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-non-finite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('non-finite numbers in a policy', () => {
  it('are refused at their line with a readable message, a cap field saying how to set no cap', async () => {
    const yaml = [
      'budgets:',
      '  - name: a',
      '    period: month',
      '    usd: .inf',
      '    tokens: 1e400',
      '  - name: b',
      '    period: month',
      '    usd: 5',
      '    warnAt: .NaN',
      'server:',
      '  port: -.Inf',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'p.yaml'), yaml);
    const r = await runCli(['policy', 'validate', 'p.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'p.yaml:4:10: budgets.0.usd: expected a finite number, got infinity (YAML reads .inf so, and digits too large for a number): to set no cap, leave usd out',
      'p.yaml:5:13: budgets.0.tokens: expected a finite number, got infinity (YAML reads .inf so, and digits too large for a number): to set no cap, leave tokens out',
      'p.yaml:9:13: budgets.1.warnAt: expected a number, got .nan (YAML\'s "not a number")',
      'p.yaml:11:9: server.port: expected a finite number, got -infinity (YAML reads -.inf so, and digits too large for a number)',
    ]);
  }, 60_000);
});
