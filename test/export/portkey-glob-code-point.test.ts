/**
 * A policy glob's `?` is one character (a code point), so `m?` takes `m😀` (two UTF-16 units) and
 * `m??` does not. Portkey tests a `$regex` condition with `new RegExp(pattern)`, no flags (the query
 * router's `$regex` case in @portkey-ai/gateway 1.15.2's build/start-server.js), where `.` is one
 * UTF-16 unit: the export must spell `?` so the gateway picks the provider Tollgate does. Run on the
 * real open-source gateway, which names the target it chose in `x-portkey-last-used-option-index`.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { modelProvider } from '../../proxy/src/policy/modelProvider';
import { renderPortkeyConfig, usePortkeyBesideUpstream } from './behaviour/portkeyBesideUpstream';

const portkey = usePortkeyBesideUpstream();

describe('Portkey reads a glob\'s "?" as one code point, as Tollgate does', () => {
  it('each model reaches the provider whose glob Tollgate matches it with', async () => {
    const u = portkey.upstream.openaiBaseUrl;
    const text = `providers:\n  openai: { baseUrl: "${u}" }\n  one: { baseUrl: "${u}", models: ["m?"] }\n  two: { baseUrl: "${u}", models: ["m??"] }\nretries: { attempts: 0 }\ncache: { enabled: false }\n`;
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const content = exportPolicy(parsed.policy, 'portkey', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')!.content;
    const config = JSON.parse(renderPortkeyConfig(content, { OPENAI_API_KEY: 'sk-o', ONE_API_KEY: 'sk-1', TWO_API_KEY: 'sk-2', ANTHROPIC_API_KEY: 'sk-a' })) as { targets: Array<{ name: string }> };
    const models = ['m😀', 'mé', 'm😀x', 'mab', 'm𠀀'];
    const chosen: string[] = [];
    for (const model of models) {
      const res = await fetch(`${portkey.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-portkey-config': JSON.stringify(config) },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status, `${model}: ${await res.text()}`).toBe(200);
      const index = /^config\.targets\[(\d+)\]/.exec(res.headers.get('x-portkey-last-used-option-index') ?? '')?.[1];
      chosen.push(config.targets[Number(index)]?.name ?? 'none');
    }
    expect(chosen).toEqual(models.map((m) => `provider-${modelProvider(parsed.policy, m).provider.name}`));
    expect(chosen).toEqual(['provider-one', 'provider-one', 'provider-two', 'provider-two', 'provider-one']);
  });
});
