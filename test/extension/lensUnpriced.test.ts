/**
 * CodeLens on a prompt whose model has no known price (a fine-tune, a private or brand-new model):
 * the analysis prices its tokens at 0, and the lens must say the price is unknown rather than
 * "$0/call", which reads as free. Priced models keep their figures.
 */
import { describe, expect, it } from 'vitest';
import type { CostLens } from '../../proxy/src/analysis/types';
import { analyzeFile } from '../../proxy/src/analysis/index';
import { breakdownMarkdown, lensTitle } from '../../extension/src/lens/lensTitle';
import { formatUsd } from '../../contract/format';

async function lensFor(model: string): Promise<CostLens> {
  const text = `---\nmodel: ${model}\n---\nSummarise the ticket below in three bullet points.\n\n{{ticket}}\n`;
  const analysis = await analyzeFile({ path: '/w/prompts/t.prompt.md', text, languageId: 'prompt' }, { comparisonModels: ['gpt-4.1'] });
  const lens = analysis.calls[0];
  if (!lens) throw new Error('no lens');
  return lens;
}

describe('CodeLens for a model without a known price', () => {
  it('says "no known price", never $0 per call, in the title and the breakdown', async () => {
    const lens = await lensFor('acme-private-finetune-v3');
    expect(lens.inputTokens).toBeGreaterThan(0);
    const title = lensTitle(lens);
    expect(title).toContain('no known price');
    expect(title).not.toContain(`${formatUsd(0)}/call`);
    expect(title).toContain('acme-private-finetune-v3');
    const md = breakdownMarkdown(lens, 'prompts/t.prompt.md');
    expect(md).toContain('| acme-private-finetune-v3 | no known price |');
    expect(md).not.toContain(`${formatUsd(0)} input per call`);
    // The comparison model is priced: its figure stays.
    for (const c of lens.comparisons) expect(md).toContain(`| ${c.model} | ${formatUsd(c.usd)} |`);
  });

  it('keeps the $ figures of a priced model', async () => {
    const lens = await lensFor('gpt-4o-mini');
    expect(lensTitle(lens)).toContain(`${formatUsd(lens.inputUsd)}/call`);
  });
});
