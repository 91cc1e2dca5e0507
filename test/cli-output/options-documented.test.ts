/**
 * Every option of every `tollgate` subcommand is in docs/cli.md, in that command's row, with its
 * short form. The docs suite checks the other way (each flag the docs name exists); a new or
 * renamed flag left out of the reference passed it.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { batchCommand } from '../../proxy/src/cli/batch';
import { cacheCommand } from '../../proxy/src/cli/cache';
import { lintCommand } from '../../proxy/src/cli/lint';
import { modelCommand } from '../../proxy/src/cli/model';
import { policyCommand } from '../../proxy/src/cli/policy';
import { reportCommand } from '../../proxy/src/cli/report';
import { routerCommand } from '../../proxy/src/cli/router';
import { startCommand } from '../../proxy/src/cli/start';

const rows = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('| `tollgate '));

/** `tollgate policy validate`, … for each command that runs (no subcommands of its own), with its options. */
function leaves(cmd: Command, prefix = 'tollgate'): Array<{ name: string; cmd: Command }> {
  const name = `${prefix} ${cmd.name()}`;
  return cmd.commands.length === 0 ? [{ name, cmd }] : cmd.commands.flatMap((c) => leaves(c, name));
}

describe('docs/cli.md', () => {
  const all = [startCommand, policyCommand, lintCommand, reportCommand, cacheCommand, modelCommand, routerCommand, batchCommand].flatMap((f) => leaves(f()));

  it('has a row for every command', () => {
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all.filter(({ name }) => !rows.some((r) => r.startsWith(`| \`${name}`))).map((c) => c.name)).toEqual([]);
  });

  it('names every option in its command’s row, with the short form', () => {
    const missing = all.flatMap(({ name, cmd }) => {
      const row = rows.find((r) => r.startsWith(`| \`${name}`)) ?? '';
      return cmd.options.flatMap((o) => [
        ...(o.long && !row.includes(`\`${o.long}`) ? [`${name} ${o.long}`] : []),
        ...(o.short && !row.includes(`(\`${o.short}\`)`) ? [`${name} ${o.short}`] : []),
      ]);
    });
    expect(missing).toEqual([]);
  });
});
