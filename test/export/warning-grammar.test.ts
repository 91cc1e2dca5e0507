/**
 * Warnings are read by people in the CLI output and the export README, so they must read as
 * English: no "a" before a word that starts with a vowel ("a openai-protocol client"). Checked over
 * every export warning of the probe and unseen policy sets and a cross-protocol fallback, which
 * names both protocols (both start with a vowel).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXPORT_TARGETS, exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const here = dirname(fileURLToPath(import.meta.url));
const crossProtocol = `fallbacks:\n  - { from: "gpt-4o", to: [anthropic/claude-3-5-haiku-latest] }\n  - { from: "claude-*", to: [openai/gpt-4o-mini] }\n`;
const policies: Array<[string, string]> = [
  ['cross-protocol fallbacks', crossProtocol],
  ...['probes/policies', 'unseen/policies'].flatMap((dir) =>
    readdirSync(join(here, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f): [string, string] => [`${dir}/${f}`, readFileSync(join(here, dir, f), 'utf8')]),
  ),
];

describe('export warnings use "an" before a vowel', () => {
  it.each(policies)('%s', (_name, text) => {
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const bad = EXPORT_TARGETS.flatMap((t) => exportPolicy(parsed.policy, t, { file: 'policy.yaml', text }).warnings)
      .map((w) => w.message.match(/\ba [aeio]\w*/gi)?.join(', '))
      .filter(Boolean);
    expect(bad).toEqual([]);
  });
});
