/**
 * GET /metrics as a Prometheus scraper reads it, after a mix of calls through the real proxy (miss,
 * exact hit, streams, upstream 500s retried, a 429, budget refusals, both protocols, embeddings, and
 * a client model name with `"`, `\`, a newline and non-ASCII): checked line by line against the text
 * exposition format, and its counters against the ledger.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;

/** Parses the text format strictly; throws on the first line that breaks it. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  if (!text.endsWith('\n')) throw new Error('the last line must end with a line feed');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  let family: string | undefined;
  const lines = text.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') continue;
    const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (help) {
      if (helps.has(help[1]!)) fail('second HELP for the family');
      helps.add(help[1]!);
      continue;
    }
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      if (types.has(type[1]!)) fail('second TYPE for the family');
      types.set(type[1]!, type[2]!);
      family = type[1];
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`).exec(line) ?? fail('not a sample');
    const name = m[1]!;
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body) ?? fail('bad label set');
      if (l[1]! in labels) fail(`label ${l[1]} twice`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = /^[+-]?Inf$/.test(m[3]!) ? (m[3]!.startsWith('-') ? -Infinity : Infinity) : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') fail('bad value');
    const base = name.replace(/_(bucket|sum|count)$/, '');
    const owner = types.has(name) ? name : base;
    if (owner !== family) fail('sample outside its family (no TYPE before it, or families interleaved)');
    samples.push({ name, labels, value });
  }
  // Histograms: per label set, buckets ascending in le, cumulative, +Inf equal to _count.
  for (const [fam, type] of types) {
    if (type !== 'histogram') continue;
    const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).filter(([k]) => k !== 'le').sort());
    const series = new Map<string, Array<[number, number]>>();
    for (const s of samples.filter((x) => x.name === `${fam}_bucket`)) {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      series.set(key(s.labels), [...(series.get(key(s.labels)) ?? []), [le, s.value]]);
    }
    for (const [k, buckets] of series) {
      const count = samples.find((x) => x.name === `${fam}_count` && key(x.labels) === k)?.value;
      expect(buckets.map(([le]) => le)).toEqual([...buckets.map(([le]) => le)].sort((a, b) => a - b));
      expect(buckets.at(-1)![0]).toBe(Infinity);
      for (let j = 1; j < buckets.length; j++) expect(buckets[j]![1]).toBeGreaterThanOrEqual(buckets[j - 1]![1]);
      expect(buckets.at(-1)![1]).toBe(count);
    }
  }
  return { types, samples };
}

describe('the strict parser', () => {
  it('refuses what a scraper would refuse', () => {
    const ok = '# HELP a_total x\n# TYPE a_total counter\na_total{m="q\\"\\\\n"} 1\n';
    expect(parseExposition(ok).samples[0]!.labels.m).toBe('q"\\n');
    expect(() => parseExposition(ok.replace('\\"', '"'))).toThrow(/label/);
    expect(() => parseExposition(`${ok}# TYPE a_total counter\n`)).toThrow(/second TYPE/);
    expect(() => parseExposition('# TYPE b counter\nc 1\n')).toThrow(/outside its family/);
    expect(() => parseExposition(ok.trimEnd())).toThrow(/line feed/);
  });
});

describe('/metrics after a mix of calls', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ budgets: [{ name: 'tiny', scope: { team: 'broke' }, period: 'day', usd: 0.0000001, action: 'block' }] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('is valid text exposition and agrees with the ledger on calls, tokens and $', async () => {
    const oa = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    const an = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
    const ask = (content: string, extra: Record<string, string> = {}) => oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { headers: extra }).catch(() => undefined);
    await ask('hello');
    await ask('hello'); // exact hit
    for await (const _ of await oa.chat.completions.create({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream' }] }));
    await ask('boom [[fake:500]]');
    await ask('slow down [[fake:429]]');
    await ask('flaky [[fake:fail-first=1]]');
    for (let i = 0; i < 3; i++) await ask(`budget ${i}`, { 'x-tollgate-team': 'broke' });
    // Priced (what follows a colon is a tag of the model, as Ollama and Bedrock write it), so the
    // cost counter carries its label; odd characters in it must survive the label escaping.
    const odd = 'claude-3-5-haiku:"quoted"\\back\nslash-é';
    await an.messages.create({ model: odd, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of await an.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    await oa.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });

    const res = await fetch(`${h.proxy.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parseExposition(await res.text());
    expect(types.get('tollgate_requests_total')).toBe('counter');
    const sum = (name: string, where: (l: Record<string, string>) => boolean = () => true) =>
      samples.filter((s) => s.name === name && where(s.labels)).reduce((n, s) => n + s.value, 0);

    const calls = h.proxy.services.ledger.page({}, 1000).calls;
    expect(calls.length).toBeGreaterThan(10);
    expect(sum('tollgate_requests_total')).toBe(calls.length);
    for (const cls of ['2', '4', '5']) expect(sum('tollgate_requests_total', (l) => l.status === `${cls}xx`)).toBe(calls.filter((c) => String(c.status).startsWith(cls)).length);
    expect(sum('tollgate_requests_total', (l) => l.cache === 'exact')).toBe(calls.filter((c) => c.cache === 'exact').length);
    expect(sum('tollgate_cost_usd_total')).toBeCloseTo(calls.reduce((n, c) => n + c.costUsd, 0), 12);
    expect(sum('tollgate_saved_usd_total')).toBeCloseTo(calls.reduce((n, c) => n + c.savedUsd, 0), 12);
    expect(sum('tollgate_tokens_total', (l) => l.direction === 'input')).toBe(calls.reduce((n, c) => n + c.inputTokens, 0));
    expect(sum('tollgate_tokens_total', (l) => l.direction === 'output')).toBe(calls.reduce((n, c) => n + c.outputTokens, 0));
    expect(sum('tollgate_request_duration_seconds_count')).toBe(calls.length);
    // The client's model name survives the label escaping intact.
    expect(samples.some((s) => s.name === 'tollgate_cost_usd_total' && s.labels.model === odd)).toBe(true);
  }, 60_000);
});
