/**
 * The policy file as editors and tools write it, while the proxy runs: a file that is momentarily
 * gone or empty (delete-and-recreate saves, a writer that truncates then writes) keeps the last good
 * policy and reports why; a policy directory that is removed and re-created is watched again. The
 * budgets never silently drop out in between.
 */
import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, symlinkSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyStore } from '../../proxy/src/policy/store';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';

const budget = (usd: number) => `budgets:\n  - name: daily\n    period: day\n    usd: ${usd}\n`;

let store: PolicyStore | undefined;
let root: string | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** Polls for an outcome (generous bound, no timing assumption). */
async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function watched(): Promise<{ dir: string; file: string; s: PolicyStore; invalid: string[] }> {
  root = mkdtempSync(join(tmpdir(), 'tollgate-saves-'));
  const dir = join(root, '.tollgate');
  mkdirSync(dir);
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, budget(10));
  const s = PolicyStore.open(file);
  store = s;
  const invalid: string[] = [];
  s.on('invalid', (p) => invalid.push(p.map((x) => x.message).join('; ')));
  await s.watch();
  return { dir, file, s, invalid };
}

const limit = (s: PolicyStore) => s.policy.budgets.find((b) => b.name === 'daily')?.usd;

describe('policy saves seen mid-way', () => {
  it('a file truncated before it is written keeps the last good budgets, says so, and takes the new content', async () => {
    const { file, s, invalid } = await watched();
    const fd = openSync(file, 'r+');
    try {
      ftruncateSync(fd, 0);
      await until(() => invalid.length > 0, 'the empty file to be reported');
      expect(invalid[0]).toMatch(/empty/);
      expect(s.lastProblems[0]?.message).toMatch(/last good policy stays in force/);
      expect(limit(s)).toBe(10);
      writeSync(fd, budget(20));
    } finally {
      closeSync(fd);
    }
    await until(() => limit(s) === 20, 'the finished write to apply');
    expect(s.lastProblems).toEqual([]);
  });

  it('a deleted file keeps the last good budgets until it is re-created', async () => {
    const { file, s, invalid } = await watched();
    unlinkSync(file);
    await until(() => invalid.length > 0, 'the missing file to be reported');
    expect(invalid[0]).toMatch(/missing/);
    expect(limit(s)).toBe(10);
    writeFileSync(file, budget(30));
    await until(() => limit(s) === 30, 'the re-created file to apply');
  });

  it('a policy directory removed and re-created is watched again', async () => {
    const { dir, file, s, invalid } = await watched();
    rmSync(dir, { recursive: true });
    await until(() => invalid.length > 0, 'the missing file to be reported');
    expect(limit(s)).toBe(10);
    mkdirSync(dir);
    writeFileSync(file, budget(40));
    await until(() => limit(s) === 40, 'the file in the re-created directory to apply');
    // And edits after that are seen too: the new directory is really watched.
    writeFileSync(file, budget(50));
    await until(() => limit(s) === 50, 'a later edit to apply');
  });

  // The watcher stats every entry of the directory: an entry it cannot stat (a symlink loop left by
  // a tool, `ln -s x x`) made it emit an error nobody listened to, which ended the proxy.
  it('a symlink loop appearing beside the policy does not end the watch, and edits still apply', async () => {
    const { dir, file, s } = await watched();
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(file, budget(70));
    await until(() => limit(s) === 70, 'the edit after the loop to apply');
  });

  it('the policy path itself turned into a symlink loop keeps the last good budgets and says why', async () => {
    const { dir, file, s, invalid } = await watched();
    unlinkSync(file);
    symlinkSync(join(dir, 'policy.yml'), file);
    symlinkSync(file, join(dir, 'policy.yml'));
    await until(() => invalid.some((m) => /ELOOP/.test(m)), 'the loop to be reported');
    expect(limit(s)).toBe(10);
    unlinkSync(file);
    writeFileSync(file, budget(80));
    await until(() => limit(s) === 80, 'the real file to apply again');
  });

  it('a policy directory that does not exist at start is picked up once it is created', async () => {
    root = mkdtempSync(join(tmpdir(), 'tollgate-saves-'));
    const dir = join(root, '.tollgate');
    const file = join(dir, 'policy.yaml');
    const s = PolicyStore.open(file);
    store = s;
    await s.watch();
    expect(s.policy.budgets).toEqual([]);
    mkdirSync(dir);
    writeFileSync(file, budget(60));
    await until(() => limit(s) === 60, 'the new file to apply');
  });
});

describe('a policy written in two steps', () => {
  // A writer that pauses at a line boundary longer than the watcher waits for the file to stop
  // growing (a script writing line by line, a network share) left a valid prefix on disk: the
  // server settings without the budgets below them. That prefix was applied, and spend went
  // unlimited until the rest arrived. Here the test decides when the store's second read happens.
  it('the valid prefix is never applied; the whole file is', async () => {
    root = mkdtempSync(join(tmpdir(), 'tollgate-saves-'));
    const dir = join(root, '.tollgate');
    mkdirSync(dir);
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, budget(10));
    const confirms: Array<() => void> = [];
    const s = PolicyStore.open(file, { settle: (confirm) => confirms.push(confirm) });
    store = s;
    const applied: Array<number | undefined> = [];
    s.on('change', (p) => applied.push(p.budgets.find((b) => b.name === 'daily')?.usd));
    await s.watch();
    const head = 'server:\n  port: 4242\n';
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, head);
      // The watcher has seen the prefix: either it was applied (the defect) or a second read is due.
      await until(() => confirms.length > 0 || applied.length > 0, 'the prefix to be seen');
      writeSync(fd, budget(20));
    } finally {
      closeSync(fd);
    }
    // Each due read happens now, in order, until the policy is applied (bounded: one per watcher event).
    for (let i = 0; i < 20 && !applied.includes(20); i++) {
      await until(() => confirms.length > 0 || applied.length > 0, 'a second read to be due');
      confirms.shift()?.();
    }
    expect(applied).not.toContain(undefined);
    expect(applied).toContain(20);
    expect(s.policy.server.port).toBe(4242);
    expect(limit(s)).toBe(20);
  });
});

describe('an invalid save is reported once', () => {
  // One save fires the directory watch and, for a linked policy, the target's watch too; saving the
  // same broken text again (a second Ctrl+S) is no news either. The log said it two to four times.
  for (const linked of [false, true]) {
    it(`${linked ? 'a linked policy' : 'a policy file'}: the same problems once, until a good save`, async () => {
      root = mkdtempSync(join(tmpdir(), 'tollgate-saves-'));
      const dir = join(root, '.tollgate');
      mkdirSync(dir);
      const file = join(dir, 'policy.yaml');
      const real = linked ? join(root, 'shared-policy.yaml') : file;
      writeFileSync(real, budget(10));
      if (linked) symlinkSync(real, file);
      const s = PolicyStore.open(file);
      store = s;
      const invalid: string[] = [];
      s.on('invalid', (p) => invalid.push(p.map((x) => x.message).join('; ')));
      await s.watch();
      const broken = budget(10).replace('period: day', 'period: dya');
      writeFileSync(real, broken);
      await until(() => invalid.length > 0, 'the invalid save to be reported');
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(real, broken);
      await new Promise((r) => setTimeout(r, 300));
      // A good save, then the same mistake again: that is news, reported once more.
      writeFileSync(real, budget(20));
      await until(() => limit(s) === 20, 'the good save to apply');
      writeFileSync(real, broken);
      await until(() => invalid.length > 1, 'the mistake made again to be reported');
      writeFileSync(real, budget(30));
      await until(() => limit(s) === 30, 'the last good save to apply');
      expect(invalid).toHaveLength(2);
      expect(invalid[0]).toMatch(/did you mean "day"/);
    });
  }
});

describe('through the proxy', () => {
  let upstream: FakeUpstream | undefined;
  let proxy: RunningProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await upstream?.close();
    proxy = undefined;
    upstream = undefined;
  });

  it('the budget still refuses while its policy file is being replaced, and /healthz says why', async () => {
    upstream = await startFakeUpstream();
    root = mkdtempSync(join(tmpdir(), 'tollgate-saves-'));
    const dir = join(root, '.tollgate');
    mkdirSync(dir);
    const file = join(dir, 'policy.yaml');
    const providers = `providers:\n  openai:\n    baseUrl: ${upstream.openaiBaseUrl}\n`;
    // A budget the first call uses up: every later call is refused while it is in force.
    writeFileSync(file, `${providers}budgets:\n  - name: daily\n    period: day\n    usd: 0.000000001\n`);
    proxy = await startProxy({ port: 0, dataDir: join(root, 'data'), policyFile: file, env: {} });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    let n = 0;
    // A new prompt each time: a cache hit would not reach the budget.
    const ask = () => client.chat.completions.create({ model: 'gpt-4.1-nano', max_tokens: 5, messages: [{ role: 'user', content: `question ${n++}` }] }).then(
      () => 200,
      (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : -1),
    );
    expect(await ask()).toBe(200);
    expect(await ask()).toBe(429);
    const p = proxy;
    rmSync(dir, { recursive: true });
    await until(() => p.services.policy.lastProblems.length > 0, 'the missing file to be reported');
    expect(await ask()).toBe(429);
    const health = (await (await fetch(`${proxy.url}/healthz`)).json()) as { policy: { problems: Array<{ message: string }> } };
    expect(health.policy.problems[0]?.message).toMatch(/missing/);
    mkdirSync(dir);
    writeFileSync(file, providers);
    await until(() => p.services.policy.policy.budgets.length === 0, 'the new policy (no budget) to apply');
    expect(await ask()).toBe(200);
  }, 60_000);
});
