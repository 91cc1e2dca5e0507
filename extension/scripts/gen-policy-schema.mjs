#!/usr/bin/env node
/**
 * Writes dist/schema/policy.schema.json from `policyJsonSchema()` (the zod policy schema), for the
 * extension's `yamlValidation` contribution. Run with tsx: `node --import tsx extension/scripts/gen-policy-schema.mjs`.
 * Called by scripts/package.mjs; the lead may also call it from scripts/build.mjs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { policyJsonSchema } = await import('../../proxy/src/policy/schema.ts');
const out = join(root, 'dist/schema/policy.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(policyJsonSchema(), null, 2) + '\n');
console.log(`wrote ${out}`);
