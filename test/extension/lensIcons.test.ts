/**
 * VS Code renders `$(name)` in CodeLens titles, status bar text and quick pick labels, descriptions
 * and details as a theme icon. Model names and message roles come from the analysed file (a cloned
 * repository), so `$(pass-filled)` in one drew Tollgate's own "all good" icon, and `$(loading~spin)`
 * a spinner. Each place must show such text as the characters it is, and keep its own icons.
 */
import { describe, expect, it } from 'vitest';
import { breakdownPicks, lensTitle } from '../../extension/src/lens/lensTitle';
import { StatusAlerts } from '../../extension/src/statusBar/alerts';
import { statusView } from '../../extension/src/statusBar/format';
import { iconText } from '../../extension/src/util/iconText';
import { analyzeFile } from '../../proxy/src/analysis/index';
import type { CostLens } from '../../proxy/src/analysis/types';

/**
 * What VS Code's renderLabelWithIcons makes of a label (its regex, from vs/base/browser/ui/iconLabel):
 * the text shown, with each rendered icon as ⟨name⟩, and the icons.
 */
function render(label: string): { shown: string; icons: string[] } {
  const icons: string[] = [];
  const shown = label.replace(/(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g, (_m, escaped: string | undefined, name: string) => {
    if (escaped) return `$(${name})`;
    icons.push(name);
    return `⟨${name}⟩`;
  });
  return { shown, icons };
}

const HOSTILE = [
  '$(pass-filled)',
  'gpt-4o $(loading~spin) fast',
  '$(zap)$(zap)',
  '$$(bug)',
  '\\$(bug)',
  '\\\\$(bug)',
  '$(not an icon)',
  '$(',
  'a $(x~y~z) b',
  'plain-model-1',
];

describe('text from the analysed file in labels VS Code renders icons in', () => {
  it('iconText: a hostile name renders as exactly the characters it is, with no icon', () => {
    for (const name of HOSTILE) {
      const r = render(iconText(name));
      expect(r.icons, name).toEqual([]);
      expect(r.shown, name).toBe(name);
    }
  });

  it('the CodeLens title of a prompt names its model verbatim and shows no icon of it', async () => {
    const model = 'gpt-4o $(pass-filled) $(loading~spin)';
    const text = `---\nmodel: "${model}"\n---\nSummarise the ticket below in three bullet points.\n`;
    const lens = (await analyzeFile({ path: '/w/prompts/t.prompt.md', text, languageId: 'prompt' })).calls[0] as CostLens;
    // The analysis spells the name its own way; the references in it stay.
    expect(lens.model).toContain('$(pass-filled)');
    const title = lensTitle(lens);
    expect(title).not.toMatch(/(?<!\\)\$\([A-Za-z0-9-]+(~[A-Za-z]+)?\)/);
    expect(render(title)).toEqual({ shown: expect.stringContaining(lens.model), icons: [] });
  });

  it('the "arguments built elsewhere" title and the breakdown pick escape the model and the roles, keeping their own icons', async () => {
    const text = [
      'from openai import OpenAI',
      'client = OpenAI()',
      'def ask(extra):',
      '    return client.chat.completions.create(model="my-$(zap)-ft", messages=[{"role": "$(account) admin", "content": "hi"}], **extra)',
      '',
    ].join('\n');
    const lens = (await analyzeFile({ path: '/w/app.py', text }, { comparisonModels: ['gpt-4.1'] })).calls[0] as CostLens;
    expect(lens.model).toBe('my-$(zap)-ft');
    expect(lens.unseen).toContain('arguments');
    expect(render(lensTitle(lens))).toEqual({ shown: expect.stringContaining('my-$(zap)-ft'), icons: [] });

    const picks = breakdownPicks(lens).filter((p) => !p.separator);
    const rendered = picks.map((p) => [p.label, p.description ?? '', p.detail ?? ''].map(render));
    // Only Tollgate's own icons, one at the head of each label.
    expect(rendered.flatMap((cells) => cells.flatMap((c) => c.icons))).toEqual(['comment', 'symbol-number', 'symbol-number', 'markdown']);
    expect(rendered[0]![0]!.shown).toBe('⟨comment⟩ $(account) admin');
    expect(rendered[1]![0]!.shown).toBe('⟨symbol-number⟩ my-$(zap)-ft');
  });

  it('the status bar shows a provider name from the ledger as text, beside its own warning icon', () => {
    const alerts = new StatusAlerts();
    alerts.onCall({ status: 401, provider: '$(pass-filled) acme', cache: 'miss' });
    const v = statusView({ kind: 'running', url: 'http://127.0.0.1:5151', port: 5151, attached: false }, undefined, alerts.all());
    const r = render(v.text);
    expect(r.icons).toEqual(['warning']);
    expect(r.shown).toContain('$(pass-filled) acme key rejected');
  });
});
