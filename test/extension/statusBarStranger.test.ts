/**
 * Another program holds the proxy port and cannot prove it is this user's proxy: the status bar's
 * read of today's summary fails there every minute. The Tollgate log says so once per different
 * failure, not a line a minute for as long as the window stays open. The stranger is a real HTTP
 * server on 127.0.0.1, read through the extension's real REST client.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('./support/vscodeStub.cjs')).createVscodeStub({}).vscode);

const { CostStatusBar } = await import('../../extension/src/statusBar/statusBar');
const { ProxyClient } = await import('../../extension/src/client/proxyClient');
type Controller = ConstructorParameters<typeof CostStatusBar>[0];

let status = 401;
const stranger = createServer((_req, res) => {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(`<h1>${status}</h1>`);
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => stranger.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => stranger.close(() => r())));

describe('status bar with a stranger on the port', () => {
  it('logs a failed read of today once per change, not every minute', async () => {
    const warnings: string[] = [];
    const none = () => ({ dispose() {} });
    const proxy = {
      state: { kind: 'running', url, port: Number(new URL(url).port), attached: true, verified: false },
      client: new ProxyClient(url),
      hasProviderKey: true,
      events: { onCall: none, onBudget: none },
      policyFile: () => undefined,
      output: { warn: (l: string) => void warnings.push(l), info() {} },
      onDidChangeState: none,
    };
    const bar = new CostStatusBar(proxy as unknown as Controller);
    const summaryWarnings = () => warnings.filter((w) => w.includes("today's summary"));
    try {
      // What the minute timer runs, three minutes running.
      for (let i = 0; i < 3; i++) await bar.refresh();
      expect(summaryWarnings()).toHaveLength(1);
      status = 503;
      await bar.refresh();
      await bar.refresh();
      expect(summaryWarnings()).toHaveLength(2);
      expect(summaryWarnings()[1]).not.toBe(summaryWarnings()[0]);
    } finally {
      bar.dispose();
    }
  });
});
