/**
 * A long ask is pasted material (a log, a contract, a source file) with a request before or after
 * it; the request says how hard the task is. Read whole, the material's digits, commas, sentences
 * and length saturated the cheap features and sent "What is the timestamp of the first line?" under
 * a 15 KB log to the large tier, and the embedding saw only the material's first 400 characters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../proxy/src/policy/schema';
import { extractFeatures, MATERIAL_CHARS, requestText, routingAsk, type ChatText } from '../../../proxy/src/routing/features';
import { routeRequest } from '../../../proxy/src/routing/route';
import { RouterRuntime } from '../../../proxy/src/routing/runtime';

const tiers = { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } };

function log(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(`2026-03-14T09:${String(10 + (i % 50)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}Z ${['api', 'worker', 'billing'][i % 3]} INFO job ${1000 + i} done in ${100 + ((i * 37) % 400)}ms, retries=${i % 3}, queue=${(i * 13) % 90}`);
  }
  return out.join('\n');
}
function contract(clauses: number): string {
  const text = [
    'The Supplier shall deliver the Services in accordance with the Service Levels set out in Schedule 2, and each party must ensure that every invoice is paid within 30 days.',
    'Either party may terminate this Agreement on ninety (90) days written notice; only undisputed amounts are payable, without set-off, within 14 days.',
  ];
  return Array.from({ length: clauses }, (_, i) => `${i + 1}. ${text[i % 2]}`).join('\n');
}

const ask = (text: string): ChatText[] => [
  { role: 'system', text: 'You are a helpful assistant.' },
  { role: 'user', text },
];
function route(router: 'learned' | 'score', messages: ChatText[]) {
  return routeRequest({
    policy: PolicySchema.parse({ routing: { tiers, router } }),
    provider: 'openai',
    model: 'auto',
    messages,
    headers: {},
    inputTokens: 0,
    embeddingUnavailable: 'test',
  })!;
}

const TRIVIAL: Array<[string, string]> = [
  [`${log(200)}\n\nWhat is the timestamp of the first line?`, 'log, question after'],
  [`Who are the two parties?\n\n${contract(60)}`, 'contract, question before'],
  [`${contract(50)}\n\nWhich notice period applies?`, 'contract, question after'],
  // Pasted straight under a lead-in line, with no blank line between.
  [`Give me the timestamp of the first line in this log:\n${log(200)}`, 'log, lead-in line before'],
  [`请告诉我这份合同的双方是谁：\r\n${contract(60)}`, 'contract, Chinese lead-in line before'],
];

describe('routing pasted material on its request', () => {
  it('asks of the length the router was trained on are read whole', () => {
    const text = `${'Explain the trade-offs of each option. '.repeat(70)}`.slice(0, MATERIAL_CHARS);
    expect(requestText(text)).toBe(text);
    expect(routingAsk(ask(text))).toBe(text);
  });

  it('a long ask is read as the short paragraphs that open and close it', () => {
    expect(requestText(TRIVIAL[0]![0])).toBe('What is the timestamp of the first line?');
    expect(requestText(TRIVIAL[1]![0])).toBe('Who are the two parties?');
    // Pasted from Windows: CRLF line ends.
    expect(requestText(TRIVIAL[0]![0].replace(/\n/g, '\r\n'))).toBe('What is the timestamp of the first line?');
    // Only the ends are read, however long the paste (2 MB here).
    const huge = `${log(20_000)}\n\nHow many lines are there?`;
    expect(requestText(huge)).toBe('How many lines are there?');
    expect(requestText(TRIVIAL[3]![0])).toBe('Give me the timestamp of the first line in this log:');
    expect(requestText(TRIVIAL[4]![0])).toBe('请告诉我这份合同的双方是谁：');
    // No short paragraph to stand for the request: the ask is read whole, as before.
    const blob = log(300);
    expect(requestText(blob)).toBe(blob);
    // A source file's own first line is not a lead-in, even when it ends in a colon.
    for (const first of ['def main(argv):', 'if __name__ == "__main__":', 'class Handler:', 'else:']) {
      const file = `${first}\n${log(300)}`;
      expect(requestText(file)).toBe(file);
    }
  });

  for (const router of ['learned', 'score'] as const) {
    for (const [text, what] of TRIVIAL) {
      it(`${router}: a trivial question about pasted material (${what}) is not sent to large`, () => {
        expect(text.length).toBeGreaterThan(MATERIAL_CHARS);
        expect(route(router, ask(text)).tier).not.toBe('large');
      });
    }
  }

  it('a hard request about the same material keeps a tier above small, and the material still counts as context', () => {
    const hard = `${log(200)}\n\nOur p99 latency doubled at 09:14 and recovered at 09:16. Correlate the events across services, build a timeline, and explain step by step the most likely root cause, with the evidence for each step.`;
    for (const router of ['learned', 'score'] as const) expect(route(router, ask(hard)).tier).not.toBe('small');
    const f = extractFeatures(ask(hard));
    expect(f.context).toBeGreaterThan(extractFeatures(ask(requestText(hard))).context);
  });

  it('the live router embeds the request, not the first characters of the material', async () => {
    const embedded: string[] = [];
    const runtime = new RouterRuntime({
      own: () => ({
        info: { modelId: 'stub' },
        state: { state: 'ready' },
        embedIfReady: (text: string) => {
          embedded.push(text);
          return Promise.resolve(new Float32Array(4));
        },
      }),
    });
    await runtime.inputsFor(ask(TRIVIAL[0]![0]));
    await runtime.close();
    expect(embedded).toEqual(['What is the timestamp of the first line?']);
  });

  it('a dashboard verdict on such a call writes the request as the exemplar, as the router read it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-material-'));
    const runtime = new RouterRuntime({
      exemplarsPath: join(dir, 'router-exemplars.tsv'),
      own: () => ({ info: { modelId: 'stub' }, state: { state: 'ready' }, embedIfReady: () => Promise.resolve(new Float32Array(4)) }),
    });
    try {
      runtime.remember('call-1', ask(TRIVIAL[0]![0]));
      const { prompt, tier } = runtime.recordVerdict({ requestId: 'call-1', route: 'large; p=0.89/0.25; by=model; rule=auto' }, 'smaller');
      expect(prompt).toBe('What is the timestamp of the first line?');
      expect(tier).toBe('medium');
    } finally {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
