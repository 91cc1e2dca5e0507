/**
 * SARIF columns name their unit. Tollgate's columns and fix offsets count UTF-16 code units (an
 * emoji is two); without `columnKind` a reader may take them as code points and point one column
 * off per astral character. Checked on a CRLF file whose line holds emoji before the finding.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSarif } from '../../../proxy/src/analysis/report/sarif';
import { analyzePaths } from '../../../proxy/src/analysis/workspace/collect';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-sarif-cols-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SARIF regions', () => {
  it('declare utf16CodeUnits, and the columns index the line in those units', async () => {
    const lines = ['# Summariser', '', '😀🎉 Summarise the text. Please keep it short.', ''];
    const file = join(dir, 'ask 😀.prompt.md');
    writeFileSync(file, lines.join('\r\n'));
    const log = toSarif(await analyzePaths([file]), dir);
    const run = log.runs[0]!;
    expect(run.columnKind).toBe('utf16CodeUnits');
    const polite = run.results.find((r) => r.ruleId === 'politeness');
    expect(polite).toBeDefined();
    const region = polite!.locations[0]!.physicalLocation.region;
    const line = lines[region.startLine - 1]!;
    // UTF-16 index of "Please" is 25; in code points it would be 23.
    expect(line.slice(region.startColumn - 1, region.endColumn - 1)).toMatch(/^Please/);
    expect(polite!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('ask%20%F0%9F%98%80.prompt.md');
  });
});
