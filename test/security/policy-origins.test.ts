/**
 * `server.allowedOrigins` in a policy file: only loopback origins (a local dev app) count, because a
 * repository's policy must not open the proxy to web pages. Another origin was dropped silently —
 * `policy validate` said ok and the web app got 403s with no hint why. Now it is a policy problem
 * at that entry, naming the environment variable that does allow it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PolicyError, PolicyStore } from '../../proxy/src/policy/store';
import { allowedOriginsFrom } from '../../proxy/src/server/security/browser';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-origins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(yaml: string): PolicyStore | PolicyError {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  try {
    return PolicyStore.open(file, { env: {} });
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
}

describe('server.allowedOrigins from a policy file', () => {
  it('refuses a non-loopback origin at its entry, naming TOLLGATE_ALLOWED_ORIGINS', () => {
    const r = open('server:\n  allowedOrigins:\n    - http://localhost:5173\n    - https://app.example.com\n');
    expect(r).toBeInstanceOf(PolicyError);
    const problems = (r as PolicyError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'server.allowedOrigins.1', line: 4, column: 7 });
    expect(problems[0]!.message).toContain('TOLLGATE_ALLOWED_ORIGINS=https://app.example.com');
  });

  it('accepts loopback origins', () => {
    const r = open('server:\n  allowedOrigins: ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"]\n');
    expect(r).toBeInstanceOf(PolicyStore);
    (r as PolicyStore).close?.();
  });

  it('lets through every loopback origin the file was accepted with (127.0.0.0/8 too)', () => {
    // The browser guard had its own, narrower loopback list: http://127.0.0.2:5173 passed
    // `policy validate` and then got 403s, dropped without a word.
    const store = open('server:\n  allowedOrigins: ["http://127.0.0.2:5173", "http://[::1]:8080"]\n');
    expect(store).toBeInstanceOf(PolicyStore);
    const allowed = allowedOriginsFrom({ policy: store as PolicyStore, env: { TOLLGATE_ALLOWED_ORIGINS: 'https://app.example.com' } })();
    expect([...allowed].sort()).toEqual(['http://127.0.0.2:5173', 'http://[::1]:8080', 'https://app.example.com']);
    (store as PolicyStore).close?.();
  });
});
