/**
 * package.json against what the extension really does: it activates on every language and file the
 * analysis reads (a code-only workspace too), the docs name commands by their real titles, and
 * the walkthrough reads right whatever the state and port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vi } from 'vitest';
// documentAnalyses.ts registers providers with `vscode`; only its language lists are read here.
vi.mock('vscode', () => ({}));
const { CODE_LANGUAGES, PROMPT_LANGUAGES } = await import('../../extension/src/analysis/documentAnalyses');
import { KNOWN_PROMPT_PATTERNS } from '../../extension/src/analysis/promptPatterns';

const root = join(__dirname, '../..');
interface Step {
  id: string;
  title: string;
  description: string;
  when?: string;
  media: { markdown?: string };
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: Array<{ command: string; title: string; category?: string }>; walkthroughs: Array<{ steps: Step[] }> };
};

describe('activation', () => {
  it('activates on every language the analysis reads, so a code-only workspace gets its warnings', () => {
    for (const l of [...CODE_LANGUAGES, ...PROMPT_LANGUAGES]) expect(pkg.activationEvents).toContain(`onLanguage:${l}`);
    for (const p of KNOWN_PROMPT_PATTERNS) expect(pkg.activationEvents).toContain(`workspaceContains:${p}`);
    // Lazy: never on every window.
    expect(pkg.activationEvents).not.toContain('*');
    expect(pkg.activationEvents).not.toContain('onStartupFinished');
  });
});

describe('command names in the docs', () => {
  const titles = new Set(pkg.contributes.commands.map((c) => c.title));
  /** Not commands: the dashboard panel's title. */
  const otherNames = new Set(['Cost Dashboard']);
  const files = ['README.md', 'docs/extension.md', 'docs/dashboard.md', ...pkg.contributes.walkthroughs[0]!.steps.flatMap((s) => (s.media.markdown ? [s.media.markdown] : []))];

  it('every "Tollgate: …" the docs mention is a real command title (or the panel title)', () => {
    let mentions = 0;
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      for (const m of text.matchAll(/Tollgate: ([A-Z][^"*|`\n,(]*?)\s*(?=["*|`\n,(]|$)/g)) {
        for (const name of m[1]!.split(' / ')) {
          mentions++;
          expect(titles.has(name.trim()) || otherNames.has(name.trim()), `${f}: "Tollgate: ${name.trim()}"`).toBe(true);
        }
      }
    }
    expect(mentions).toBeGreaterThan(5);
  });

  it('every command is in the Tollgate category', () => {
    for (const c of pkg.contributes.commands) expect(c.category, c.command).toBe('Tollgate');
  });
});

describe('walkthrough', () => {
  const steps = pkg.contributes.walkthroughs[0]!.steps;

  it('offers "Start the proxy" only while it is not running, and says so when it is', () => {
    expect(steps.find((s) => s.id === 'start')!.when).toBe('!tollgate.proxyRunning');
    expect(steps.find((s) => s.id === 'running')!.when).toBe('tollgate.proxyRunning');
  });

  it('step text has no raw markdown code marks and no hard-coded port', () => {
    for (const s of steps) {
      expect(s.description, s.id).not.toContain('`');
      expect(s.description, s.id).not.toMatch(/4141/);
      if (s.media.markdown) expect(readFileSync(join(root, s.media.markdown), 'utf8'), s.media.markdown).not.toMatch(/4141/);
    }
  });

  it('links only to commands that exist', () => {
    const ids = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const s of steps) for (const m of s.description.matchAll(/\(command:([\w.]+)\)/g)) expect(ids.has(m[1]!), `${s.id}: ${m[1]}`).toBe(true);
  });
});
