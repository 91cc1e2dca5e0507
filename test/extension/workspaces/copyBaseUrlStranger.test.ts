/**
 * "Copy OpenAI/Anthropic Base URL" (palette, status menu, walkthrough link) while the proxy port is
 * held by a process that cannot prove it is the user's proxy: an app given that URL sends the
 * stranger its API key. The command refuses, in the words of the status bar's warning, and the
 * status menu does not offer it. The stranger is a real HTTP server on 127.0.0.1 answering
 * /healthz without the session proof; the user's own proxy is the fake CLI the controller spawns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { fakeExtensionDir, newController, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const { registerProxyCommands } = await import('../../../extension/src/commands/proxyCommands');
const { strangerOnPort } = await import('../../../extension/src/statusBar/format');
const vscode = await import('vscode');

const dir = mkdtempSync(join(tmpdir(), 'tollgate copy url stranger '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const copied: string[] = [];
vscode.env.clipboard.writeText = async (t: string) => void copied.push(t);
beforeEach(() => {
  copied.splice(0);
  world.shown.splice(0);
  world.picks.splice(0);
});

async function withCommands(storage: string, run: (proxy: Awaited<ReturnType<typeof newController>>) => Promise<void>): Promise<void> {
  const proxy = await newController(ext, join(dir, storage));
  const commands = registerProxyCommands(proxy);
  try {
    await run(proxy);
  } finally {
    for (const c of commands) c.dispose();
    await proxy.shutdown();
    proxy.dispose();
  }
}

describe('Copy Base URL', () => {
  it('refuses while a process that cannot prove it is the user’s proxy holds the port', async () => {
    const stranger = createServer((_req, res) => res.setHeader('content-type', 'application/json').end('{"status":"ok"}'));
    await new Promise<void>((r) => stranger.listen(0, '127.0.0.1', r));
    const port = (stranger.address() as AddressInfo).port;
    world.settings['tollgate.proxy.port'] = port;
    try {
      await withCommands('storage-stranger', async (proxy) => {
        expect(await proxy.start()).toMatchObject({ kind: 'running', attached: true, verified: false });
        world.shown.splice(0);
        for (const id of ['tollgate.copyOpenAIBaseUrl', 'tollgate.copyAnthropicBaseUrl']) await world.commands.get(id)?.();
        expect(copied).toEqual([]);
        expect(world.shown).toHaveLength(2);
        for (const m of world.shown) {
          expect(m.level).toBe('warning');
          expect(m.text).toContain(strangerOnPort(port));
        }
        await world.commands.get('tollgate.statusMenu')?.();
        const labels = world.picks[0]?.items.map((i) => i.label) ?? [];
        expect(labels.some((l) => l.includes('Start Proxy') || l.includes('Stop Proxy'))).toBe(true);
        expect(labels.filter((l) => l.includes('Base URL'))).toEqual([]);
      });
    } finally {
      stranger.close();
    }
  });

  it('copies the URL of the window’s own proxy', async () => {
    const port = await freePort();
    world.settings['tollgate.proxy.port'] = port;
    await withCommands('storage-own', async (proxy) => {
      expect(await proxy.start()).toMatchObject({ kind: 'running', attached: false });
      await world.commands.get('tollgate.copyOpenAIBaseUrl')?.();
      await world.commands.get('tollgate.copyAnthropicBaseUrl')?.();
      expect(copied).toEqual([`http://127.0.0.1:${port}/v1`, `http://127.0.0.1:${port}`]);
      await world.commands.get('tollgate.statusMenu')?.();
      expect(world.picks[0]?.items.filter((i) => i.label.includes('Base URL'))).toHaveLength(2);
    });
  });
});
