/**
 * Two windows share one proxy: the first started it, the second attached. When the first window
 * closes, its proxy stops with it. The second window used to notice only after `unhealthyAfter`
 * missed health checks (30 s by default), all that time showing "running" while the user's apps
 * got connection refused. Nothing listening on the port now starts the second window's own proxy
 * at its next check. Real proxy CLI (dist/proxy/cli.js).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxySupervisor, checkHealth, type LaunchSpec } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';

const root = join(__dirname, '../../..');
const cli = join(root, 'dist/proxy/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-owner-closes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the window that started the shared proxy closes', () => {
  it('the window still using it starts its own at the next check, not after many missed checks', async () => {
    if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
    const spec: LaunchSpec = { nodePath: process.execPath, cliPath: cli, port: await freePort(), dataDir: mkdtempSync(join(dir, 'data-')), env: { TOLLGATE_ADMIN_TOKEN: 'admin-token-owner-closes', TOLLGATE_MODEL_DOWNLOAD: '0' } };
    const first = new ProxySupervisor({ log: () => {}, startTimeoutMs: 60_000 });
    const logs: string[] = [];
    // Checks every 300 ms; giving up only after 100 misses (30 s) as before would time this test out.
    const second = new ProxySupervisor({ log: (l) => logs.push(l), startTimeoutMs: 60_000, healthIntervalMs: 300, unhealthyAfter: 100 });
    try {
      expect(await first.start(spec)).toMatchObject({ kind: 'running', attached: false });
      expect(await second.start(spec)).toMatchObject({ kind: 'running', attached: true, verified: true });
      await first.stop();
      const stoppedAt = Date.now();
      for (;;) {
        const s = second.state;
        if (s.kind === 'running' && !s.attached && (await checkHealth(spec.port, 500))) break;
        expect(Date.now() - stoppedAt, logs.join('\n')).toBeLessThan(15_000);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(second.pid).toBeDefined();
      expect(logs.join('\n')).toContain('that this window did not start has stopped; starting this window');
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    expect(await checkHealth(spec.port, 500)).toBeUndefined();
  });
});
