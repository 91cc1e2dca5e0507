/**
 * Run as a child process (`node --import tsx exportDigest.ts`) with a policy on stdin: prints one
 * JSON line with every target's files, so a test can compare exports made under different locales.
 */
import { exportPolicy, EXPORT_TARGETS } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const text = Buffer.concat(chunks).toString('utf8');
const parsed = parsePolicy(text, 'policy.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const files: Record<string, string> = {};
for (const target of EXPORT_TARGETS)
  for (const f of exportPolicy(parsed.policy, target, { file: 'policy.yaml', text }).files) files[`${target}/${f.path}`] = f.content;
process.stdout.write(`${JSON.stringify({ locale: Intl.Collator().resolvedOptions().locale, files })}\n`);
