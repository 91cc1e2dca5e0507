/**
 * Few-shot examples repeat their frame on purpose — the same question asked over different
 * documents, the same instruction in every example turn. duplicate-text flagged those lines and its
 * fix deleted the line from the second example, leaving an example with an answer but no question.
 * The same repeat in the instructions themselves is still reported.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const dups = async (path: string, text: string) => (await analyzeFile({ path, text })).diagnostics.filter((d) => d.ruleId === 'duplicate-text');

describe('repeats between few-shot examples', () => {
  it('are not duplicates in <example> blocks', async () => {
    const text = lines(
      'Answer the question using only the document.',
      '',
      '<examples>',
      '<example>',
      '<document>Refunds are issued within 14 days of a return.</document>',
      'Question: How long does the customer wait for a refund?',
      'Answer: Up to 14 days.',
      '</example>',
      '<example>',
      '<document>Store credit is issued on the same day as the return.</document>',
      'Question: How long does the customer wait for a refund?',
      'Answer: The same day, as store credit.',
      '</example>',
      '</examples>',
      '',
      '<document>{{document}}</document>',
      'Question: {{question}}',
    );
    expect(await dups('prompts/rag.md', text)).toEqual([]);
  });

  it('are not duplicates in example turns of a chat prompt', async () => {
    const text = lines(
      '---',
      'model:',
      '  configuration:',
      '    name: gpt-4o-mini',
      '  parameters:',
      '    max_tokens: 50',
      '---',
      'system:',
      'Label the ticket.',
      '',
      'user:',
      'Label this ticket with exactly one team name from the list.',
      'My invoice shows the wrong VAT number.',
      '',
      'assistant:',
      'billing',
      '',
      'user:',
      'Label this ticket with exactly one team name from the list.',
      'The app crashes when I upload a photo.',
      '',
      'assistant:',
      'mobile',
      '',
      'user:',
      '{{ticket}}',
    );
    expect(await dups('label.prompty', text)).toEqual([]);
  });

  it('are still reported in the instructions', async () => {
    const text = lines(
      'Answer the question using only the document.',
      'Never guess a number that is not in the document.',
      'Never guess a number that is not in the document.',
      '',
      '<example>',
      'Question: How long does the customer wait for a refund?',
      'Answer: Up to 14 days.',
      '</example>',
    );
    const found = await dups('prompts/rag.md', text);
    expect(found.map((d) => d.range.start.line)).toEqual([2]);
  });
});
