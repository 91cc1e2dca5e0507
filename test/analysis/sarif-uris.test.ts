import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLint, type LintCommandIO } from '../../proxy/src/cli/lint';
import type { SarifArtifactLocation, SarifLog } from '../../proxy/src/analysis/report/sarif';
import { FIXTURES } from './support';

// One error finding with a quick fix (anthropic-missing-max-tokens), so both `locations` and
// `fixes[].artifactChanges` carry an artifact location.
const SOURCE = readFileSync(join(FIXTURES, 'repo', 'src', 'chat.ts'), 'utf8');

let base: string;
let root: string;
let outside: string;
const inside: Record<string, string> = {};

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tollgate-sarif-'));
  root = join(base, 'root');
  outside = join(base, 'elsewhere', 'out side.ts');
  const rels = [join('dir with späce', 'chat.ts'), join('sub', 'hash#1.ts'), join('sub', '100%.ts'), 'ünïcödé 日本.ts', 'plain.ts'];
  for (const rel of rels) {
    inside[rel] = join(root, rel);
    mkdirSync(join(inside[rel]!, '..'), { recursive: true });
    writeFileSync(inside[rel]!, SOURCE);
  }
  mkdirSync(join(outside, '..'), { recursive: true });
  writeFileSync(outside, SOURCE);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

async function sarifFor(paths: string[]): Promise<SarifLog> {
  let out = '';
  const io: LintCommandIO = {
    out: (t) => {
      out += t;
    },
    err: () => undefined,
    cwd: root,
    exit: () => undefined,
  };
  await runLint(paths, { format: 'sarif', maxSeverity: 'error' }, io);
  return JSON.parse(out) as SarifLog;
}

/** Every artifact location in the log, with the path of the file its result is about. */
function locations(log: SarifLog): SarifArtifactLocation[] {
  return log.runs.flatMap((run) =>
    run.results.flatMap((r) => [
      ...r.locations.map((l) => l.physicalLocation.artifactLocation),
      ...(r.fixes ?? []).flatMap((f) => f.artifactChanges.map((c) => c.artifactLocation)),
    ]),
  );
}

/** RFC 3986 URI-reference characters only: unreserved, reserved, and `%XX` escapes. */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

describe('SARIF artifact locations are URIs', () => {
  it('percent-encodes relative references under %SRCROOT% and uses file: URIs outside it; every uri round-trips', async () => {
    const log = await sarifFor([...Object.values(inside), outside]);
    const run = log.runs[0]!;
    const srcroot = `${pathToFileURL(root).href}/`;

    const locs = locations(log);
    const files = new Set<string>();
    for (const loc of locs) {
      // A valid URI reference: no raw spaces, non-ASCII, '%' that is not an escape, or a '#' that
      // would start a fragment.
      expect(loc.uri).toMatch(URI_CHARS);
      const url = new URL(loc.uri, loc.uriBaseId ? srcroot : 'file:///root/');
      expect(url.hash).toBe('');
      expect(url.search).toBe('');
      const path = fileURLToPath(url);
      files.add(path);
      if (loc.uriBaseId) {
        expect(loc.uriBaseId).toBe('%SRCROOT%');
        expect(loc.uri).not.toMatch(/^(\/|\.\.\/|[a-z][a-z0-9+.-]*:)/i);
        // Resolved against any other root it names the same relative path (portable across checkouts).
        expect(fileURLToPath(new URL(loc.uri, 'file:///root/'))).toBe(join(sep, 'root', path.slice(root.length + 1)));
      } else {
        expect(loc.uri.startsWith('file:///')).toBe(true);
      }
    }
    expect([...files].sort()).toEqual([...Object.values(inside), outside].sort());
    // Both the result location and its fix name each file.
    expect(locs.length).toBe(2 * files.size);

    const byFile = new Map(locs.map((l) => [fileURLToPath(new URL(l.uri, l.uriBaseId ? srcroot : 'file:///root/')), l]));
    expect(byFile.get(inside[join('dir with späce', 'chat.ts')]!)).toEqual({ uri: 'dir%20with%20sp%C3%A4ce/chat.ts', uriBaseId: '%SRCROOT%' });
    expect(byFile.get(inside[join('sub', 'hash#1.ts')]!)?.uri).toBe('sub/hash%231.ts');
    expect(byFile.get(inside[join('sub', '100%.ts')]!)?.uri).toBe('sub/100%25.ts');
    expect(byFile.get(inside['plain.ts']!)).toEqual({ uri: 'plain.ts', uriBaseId: '%SRCROOT%' });
    expect(byFile.get(outside)).toEqual({ uri: pathToFileURL(outside).href });
    // Consumers resolve %SRCROOT% from the log itself: an absolute file: URI ending in '/'.
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: srcroot } });
  });
});
