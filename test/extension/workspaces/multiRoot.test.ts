/**
 * Multi-root workspaces as users have them: folders added and removed while the proxy runs, a
 * first folder that is not the repository, several folders each with a `.tollgate/policy.yaml`.
 * The proxy (the fake CLI, which echoes its command line in /healthz) must run the policy the
 * extension says it runs, and the user is told which one applies.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../support/freePort';
import { fileEvent } from '../typing/typingWorld';
import { addFolder, context, fakeExtensionDir, fireFolders, world } from './world';

// The typing world's file-system watchers: a policy file deleted on disk is heard as VS Code reports it.
vi.mock('vscode', async () => {
  const { world: w } = await import('./world');
  const { typingVscode } = await import('../typing/typingWorld');
  return typingVscode(w);
});
const exported = vi.hoisted(() => [] as Array<{ policyFile: string; root: string; outDir: string }>);
vi.mock('../../../extension/src/deferred/load', async () => {
  const { parsePolicy } = await import('../../../proxy/src/policy/load');
  const { locatedWarnings } = await import('../../../proxy/src/policy/warnings');
  const { readPolicyText } = await import('../../../proxy/src/policy/store');
  const planExport = (o: { policyFile: string; root: string; outDir: string }) => {
    exported.push(o);
    return { ok: true, files: [], warnings: [] };
  };
  return { loadDeferred: () => ({ parsePolicy, readPolicyText, locatedWarnings, planExport, EXPORT_TARGETS: ['litellm'], DEFAULT_EXPORT_DIR: 'gateway' }) };
});

const { ProxyController } = await import('../../../extension/src/proxy/proxyController');
const { PolicyDiagnostics } = await import('../../../extension/src/policy/policyDiagnostics');
const { registerExportPolicy } = await import('../../../extension/src/commands/exportPolicy');
type Context = ConstructorParameters<typeof ProxyController>[0];
type Output = ConstructorParameters<typeof ProxyController>[1];

const dir = mkdtempSync(join(tmpdir(), 'tollgate multi root '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function repo(name: string, policy?: string): string {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  if (policy !== undefined) {
    mkdirSync(join(root, '.tollgate'), { recursive: true });
    writeFileSync(join(root, '.tollgate', 'policy.yaml'), policy);
  }
  return root;
}

const open: Array<{ dispose(): void; shutdown?(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) {
    await o.shutdown?.();
    o.dispose();
  }
  world.folders.splice(0);
  world.shown.splice(0);
});

async function window() {
  world.settings['tollgate.proxy.port'] = await freePort();
  const logs: string[] = [];
  const log = (l: string) => void logs.push(l);
  const output = { info: log, warn: log, error: log, show() {} } as unknown as Output;
  const proxy = new ProxyController(context(ext, join(dir, `storage-${Math.random()}`)) as unknown as Context, output);
  open.push(proxy);
  return { proxy, logs };
}

/** The --policy the running proxy was started with (the fake CLI echoes its argv in /healthz). */
async function runningPolicy(port: number): Promise<string | undefined> {
  const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { args: string[] };
  const i = health.args.indexOf('--policy');
  return i >= 0 ? health.args[i + 1] : undefined;
}

describe('workspace folders added and removed while the proxy runs', () => {
  it('a folder with a policy added to a window without one: the proxy restarts with it', async () => {
    addFolder(world, repo('docs'));
    const { proxy, logs } = await window();
    const first = await proxy.start();
    expect(first, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
    expect(await runningPolicy(proxy.port)).toBeUndefined();

    const app = repo('app', 'version: 1\n');
    const added = addFolder(world, app);
    fireFolders(world, [added], []);
    const file = join(app, '.tollgate', 'policy.yaml');
    await vi.waitFor(async () => expect(await runningPolicy(proxy.port).catch(() => 'down')).toBe(file), { timeout: 20_000 });
    expect(proxy.launchedPolicy).toBe(file);
  });

  it('the folder whose policy the proxy runs removed: it runs the next folder’s, then none', async () => {
    const a = addFolder(world, repo('a', 'version: 1\n'));
    const b = addFolder(world, repo('b', 'version: 1\n'));
    const { proxy, logs } = await window();
    await proxy.start();
    expect(await runningPolicy(proxy.port), logs.join('\n')).toBe(join(a.uri.fsPath, '.tollgate', 'policy.yaml'));

    world.folders.splice(0, 1);
    fireFolders(world, [], [a]);
    await vi.waitFor(async () => expect(await runningPolicy(proxy.port).catch(() => 'down')).toBe(join(b.uri.fsPath, '.tollgate', 'policy.yaml')), { timeout: 20_000 });

    world.folders.splice(0, 1);
    fireFolders(world, [], [b]);
    await vi.waitFor(async () => expect(await runningPolicy(proxy.port).catch(() => 'down')).toBeUndefined(), { timeout: 20_000 });
  });

  it('a folder change that does not change the policy does not restart the proxy', async () => {
    addFolder(world, repo('c', 'version: 1\n'));
    const { proxy } = await window();
    const started = await proxy.start();
    const pid = started.kind === 'running' ? started.pid : undefined;
    const extra = addFolder(world, repo('c-docs'));
    fireFolders(world, [extra], []);
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.state).toMatchObject({ kind: 'running', pid });
  });

  it('Open Policy follows the folders: offered once a folder with a policy is added', async () => {
    addFolder(world, repo('plain'));
    const { proxy } = await window();
    const policy = new PolicyDiagnostics(proxy);
    open.push(policy);
    await new Promise((r) => setTimeout(r, 20));
    expect(world.contexts.get('tollgate.hasPolicy')).toBe(false);
    const added = addFolder(world, repo('with-policy', 'version: 1\n'));
    fireFolders(world, [added], []);
    await vi.waitFor(() => expect(world.contexts.get('tollgate.hasPolicy')).toBe(true));
    world.folders.splice(1, 1);
    fireFolders(world, [], [added]);
    await vi.waitFor(() => expect(world.contexts.get('tollgate.hasPolicy')).toBe(false));
  });
});

describe('several folders with a policy', () => {
  it('the first folder is not the repository: its policy is still found', async () => {
    addFolder(world, repo('notes'));
    const app = addFolder(world, repo('service', 'version: 1\n'));
    const { proxy } = await window();
    await proxy.start();
    expect(await runningPolicy(proxy.port)).toBe(join(app.uri.fsPath, '.tollgate', 'policy.yaml'));
  });

  it('says which policy the proxy runs and which are not applied, once', async () => {
    const a = addFolder(world, repo('team-a', 'version: 1\n'));
    const b = addFolder(world, repo('team-b', 'version: 1\n'));
    const { proxy } = await window();
    await proxy.start();
    const told = world.shown.filter((m) => m.text.includes('not applied'));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain(join(a.uri.fsPath, '.tollgate', 'policy.yaml'));
    expect(told[0]!.text).toContain(join(b.uri.fsPath, '.tollgate', 'policy.yaml'));
    await proxy.start(); // a restart does not say it again
    expect(world.shown.filter((m) => m.text.includes('not applied'))).toHaveLength(1);
  });

  it('the policy the proxy runs deleted: it runs the next folder’s at once, then the built-in one', async () => {
    const a = join(addFolder(world, repo('deleted-a', 'version: 1\n')).uri.fsPath, '.tollgate', 'policy.yaml');
    const b = join(addFolder(world, repo('deleted-b', 'version: 1\n')).uri.fsPath, '.tollgate', 'policy.yaml');
    const { proxy, logs } = await window();
    open.push(new PolicyDiagnostics(proxy));
    await proxy.start();
    expect(await runningPolicy(proxy.port), logs.join('\n')).toBe(a);

    unlinkSync(a);
    fileEvent(a, 'delete');
    await vi.waitFor(async () => expect(await runningPolicy(proxy.port).catch(() => 'down')).toBe(b), { timeout: 20_000 });

    unlinkSync(b);
    fileEvent(b, 'delete');
    await vi.waitFor(async () => expect(await runningPolicy(proxy.port).catch(() => 'down')).toBeUndefined(), { timeout: 20_000 });
    expect(proxy.launchedPolicy).toBeUndefined();
    expect(world.contexts.get('tollgate.hasPolicy')).toBe(false);
  });

  it('the policy’s .tollgate folder deleted, heard as one event for the folder: its problems go, the next folder’s policy runs', async () => {
    const a = join(addFolder(world, repo('gone-a', 'version: 1\nbudgets: 3\n')).uri.fsPath, '.tollgate', 'policy.yaml');
    const b = join(addFolder(world, repo('gone-b', 'version: 1\n')).uri.fsPath, '.tollgate', 'policy.yaml');
    const c = join(addFolder(world, repo('gone-c', 'version: 1\n')).uri.fsPath, '.tollgate', 'policy.yaml');
    const { proxy, logs } = await window();
    const diagnostics = new PolicyDiagnostics(proxy);
    open.push(diagnostics);
    diagnostics.checkCurrent();
    expect(world.diagnostics.get(a)?.length).toBeGreaterThan(0);
    // rm -rf, the Explorer or a checkout: VS Code may fold the file's delete into the folder's (microsoft/vscode#109754).
    rmSync(dirname(a), { recursive: true });
    fileEvent(dirname(a), 'delete');
    expect(world.diagnostics.get(a)).toEqual([]);
    expect(diagnostics.problems).toEqual([]);
    await proxy.start();
    expect(await runningPolicy(proxy.port), logs.join('\n')).toBe(b);
    rmSync(dirname(b), { recursive: true });
    fileEvent(dirname(b), 'delete');
    await vi.waitFor(async () => expect(await runningPolicy(proxy.port).catch(() => 'down')).toBe(c), { timeout: 20_000 });
  });

  it('a save that deletes the policy and writes it back does not restart the proxy', async () => {
    const a = join(addFolder(world, repo('resaved-a', 'version: 1\n')).uri.fsPath, '.tollgate', 'policy.yaml');
    addFolder(world, repo('resaved-b', 'version: 1\n'));
    const { proxy } = await window();
    open.push(new PolicyDiagnostics(proxy));
    const started = await proxy.start();
    const pid = started.kind === 'running' ? started.pid : undefined;
    unlinkSync(a);
    writeFileSync(a, 'version: 1\n');
    // VS Code reports the delete after the write that followed it (its events come in batches).
    fileEvent(a, 'delete');
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.state).toMatchObject({ kind: 'running', pid });
    expect(await runningPolicy(proxy.port)).toBe(a);
  });

  it('Export Policy asks which folder’s policy, and exports the one picked into that folder', async () => {
    const a = addFolder(world, repo('export-a', 'version: 1\n'));
    const b = addFolder(world, repo('export-b', 'version: 1\n'));
    const { proxy } = await window();
    const exporter = registerExportPolicy(proxy);
    open.push(exporter);
    const fileB = join(b.uri.fsPath, '.tollgate', 'policy.yaml');
    world.pickAnswers.push(
      (items) => items.find((i) => i.label === fileB), // which policy
      (items) => [items[0]], // targets
      (items) => items[0], // the default output folder
    );
    await world.commands.get('tollgate.exportPolicy')!();
    const asked = world.picks[world.picks.length - 3]!.items.map((i) => i.label);
    expect(asked).toEqual([join(a.uri.fsPath, '.tollgate', 'policy.yaml'), fileB]);
    expect(exported.at(-1)).toMatchObject({ policyFile: fileB, root: b.uri.fsPath });
    expect(exported.at(-1)!.outDir.startsWith(b.uri.fsPath)).toBe(true);
  });
});
