/**
 * `tollgate.proxy.port` as users leave it in settings.json, where the schema's 1–65535 is only a
 * squiggle: 70000, -1, 0, "", a string. The proxy must not be started into a restart loop (the
 * CLI refuses the value with a usage error, or binds a random port that never answers on the one
 * configured); the user gets one message naming the setting and the way to fix it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ProxyState } from '../../../extension/src/proxy/state';
import { changeSettings, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const { ProxySupervisor } = await import('../../../extension/src/proxy/supervisor');

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate invalid port '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function controller() {
  const logs: string[] = [];
  const c = await newController(root, join(dir, 'storage'), (l) => void logs.push(l));
  const states: ProxyState[] = [];
  c.onDidChangeState((s) => states.push(s));
  return { c, logs, states };
}

describe('an invalid tollgate.proxy.port', () => {
  for (const bad of [70000, -1, 0, 1.5, '', 'auto', null]) {
    it(`${JSON.stringify(bad)}: one clear message, no restart loop`, async () => {
      world.shown.splice(0);
      world.settings['tollgate.proxy.port'] = bad;
      const { c, logs, states } = await controller();
      try {
        const state = await c.start();
        // Give a restart loop the time to show itself (the first retry comes after 0.5 s).
        await new Promise((r) => setTimeout(r, 800));
        expect(states.some((s) => s.kind === 'restarting'), logs.join('\n')).toBe(false);
        expect(c.state.kind).not.toBe('running');
        expect(state.kind === 'failed' || state.kind === 'stopped').toBe(true);
        const errors = world.shown.filter((m) => m.level === 'error');
        expect(errors).toHaveLength(1);
        expect(errors[0]!.text).toContain('tollgate.proxy.port');
        expect(errors[0]!.text).toContain('1 to 65535');
        expect(errors[0]!.items).toContain('Open Settings');
      } finally {
        await c.shutdown();
        c.dispose();
      }
    });
  }

  it('a port fixed while the message shows starts the proxy', async () => {
    world.shown.splice(0);
    world.settings['tollgate.proxy.port'] = 70000;
    const { c, logs } = await controller();
    try {
      await c.start();
      const { freePort } = await import('../../support/freePort');
      changeSettings(world, { 'tollgate.proxy.port': await freePort() });
      await vi.waitFor(() => expect(c.state.kind, logs.join('\n')).toBe('running'), { timeout: 30_000 });
    } finally {
      await c.shutdown();
      c.dispose();
    }
  });
});

describe('the supervisor and a CLI usage error', () => {
  it('fails at once with the CLI’s words instead of restarting a command line that cannot work', async () => {
    const states: ProxyState[] = [];
    const sup = new ProxySupervisor({ log: () => undefined, backoff: { initialMs: 20, maxMs: 40, maxRestarts: 3, resetAfterMs: 60_000 } });
    sup.onDidChangeState((s) => states.push(s));
    try {
      const state = await sup.start({ nodePath: process.execPath, cliPath: join(root, 'dist', 'proxy', 'cli.js'), port: 70000, dataDir: join(dir, 'usage'), env: {} });
      await new Promise((r) => setTimeout(r, 200));
      expect(states.some((s) => s.kind === 'restarting')).toBe(false);
      expect(state).toMatchObject({ kind: 'failed', reason: 'bad-config' });
      expect((state as { message: string }).message).toContain('expected a port number');
    } finally {
      await sup.stop();
    }
  });
});
