/**
 * The team's own routing labels: `.tollgate/router-exemplars.tsv` beside the policy, one prompt per
 * line with the tier it needed (`prompt<TAB>tier<TAB>reason`, the router-labels format; line breaks
 * and tabs inside a prompt are written `\n` and `\t`). The dashboard appends to it when someone
 * marks a call "needed a bigger model" / "a smaller one would do"; the live router votes with it.
 * Reading is lenient (a bad line is reported, the rest is used); writing keeps one line per prompt
 * (the latest label wins). No HTTP, no vscode: plain files.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TIERS, type Tier } from '../policy/schema';

export const EXEMPLARS_FILE = 'router-exemplars.tsv';
const HEADER = 'prompt\ttier\treason';

export interface TeamExemplar {
  prompt: string;
  tier: Tier;
  reason: string;
  /** 1-based line in the file. */
  line: number;
}

export interface ExemplarFile {
  exemplars: TeamExemplar[];
  problems: string[];
  /** The file is there but was not read as a whole (its header, type or size): rewriting it would drop every line. */
  unread?: boolean;
}

/** writeExemplar on a file it could not read: the file is left as it is. */
export class ExemplarFileUnread extends Error {
  override name = 'ExemplarFileUnread';
}

/** `.tollgate/router-exemplars.tsv` for a policy at `.tollgate/policy.yaml` (same folder). */
export function exemplarsPathFor(policyFile: string): string {
  return join(dirname(policyFile), EXEMPLARS_FILE);
}

// A cell starting with = + - or @ is written with a backslash before it: the prompts come from app
// traffic, and a spreadsheet opening the committed file would run `=HYPERLINK(…)` as a formula.
const unescapeCell = (s: string): string =>
  s.replace(/^\\([=+\-@])|\\(\\|n|t)/g, (_, lead: string | undefined, c: string) => lead ?? (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
const escapeCell = (s: string): string =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/\r?\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/^[=+\-@]/, '\\$&');

export function parseExemplars(text: string): ExemplarFile {
  const exemplars: TeamExemplar[] = [];
  const problems: string[] = [];
  // A spreadsheet export starts with a UTF-8 byte-order mark; the header must still be read.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  // Column names as a spreadsheet user types them: `Prompt<TAB>Tier<TAB>Reason`.
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const pi = header.indexOf('prompt');
  const ti = header.indexOf('tier');
  const ri = header.indexOf('reason');
  if (pi < 0 || ti < 0) return text.trim() ? { exemplars, problems: ['line 1: the header must name the columns prompt, tier (and reason)'], unread: true } : { exemplars, problems: [] };
  const byPrompt = new Map<string, number>();
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cells = line.split('\t');
    const prompt = unescapeCell(cells[pi] ?? '');
    // Tier names in any case (`Large` is `large`): they are typed by hand.
    const tier = (cells[ti] ?? '').trim().toLowerCase() as Tier;
    if (!prompt.trim()) {
      problems.push(`line ${n + 1}: empty prompt`);
      continue;
    }
    if (!TIERS.includes(tier)) {
      problems.push(`line ${n + 1}: tier "${cells[ti] ?? ''}" is not one of ${TIERS.join(', ')}`);
      continue;
    }
    const e: TeamExemplar = { prompt, tier, reason: ri >= 0 ? unescapeCell(cells[ri] ?? '') : '', line: n + 1 };
    // A prompt labelled twice: the later line wins.
    const seen = byPrompt.get(prompt);
    if (seen !== undefined) exemplars[seen] = e;
    else {
      byPrompt.set(prompt, exemplars.length);
      exemplars.push(e);
    }
  }
  return { exemplars, problems };
}

export function formatExemplars(exemplars: Array<Omit<TeamExemplar, 'line'>>): string {
  return `${[HEADER, ...exemplars.map((e) => `${escapeCell(e.prompt)}\t${e.tier}\t${escapeCell(e.reason)}`)].join('\n')}\n`;
}

/** Far above a team's labelled prompts (10,000 prompts of 800 characters). */
export const MAX_EXEMPLAR_BYTES = 8 << 20;

/**
 * The file may come from a repository the user just cloned: only a regular file (no link: one to a
 * file of the user's had its lines copied into the repository's by the next label) under
 * MAX_EXEMPLAR_BYTES is read. A link to /dev/zero was read until memory ran out.
 */
export function readExemplarFile(path: string): ExemplarFile {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return { exemplars: [], problems: [] };
  if (!st.isFile()) return { exemplars: [], problems: [`${path} is ${st.isSymbolicLink() ? 'a link (a cloned repository can point one at any file of yours)' : 'not a regular file'}; not read`], unread: true };
  if (st.size > MAX_EXEMPLAR_BYTES) return { exemplars: [], problems: [`${path} is ${st.size} bytes; the limit is ${MAX_EXEMPLAR_BYTES}; not read`], unread: true };
  return parseExemplars(readFileSync(path, 'utf8'));
}

/**
 * Adds (or relabels) one exemplar. The file is rewritten through a temporary file and a rename, so
 * a reader never sees half a line; lines it could not parse are kept out (and were reported).
 */
export function writeExemplar(path: string, exemplar: Omit<TeamExemplar, 'line'>): { added: boolean; count: number } {
  // Read as empty, the file was rewritten with the one new line: a team's labels under a header
  // typed `Prompt<TAB>Tier` (before it was read in any case) were erased by the next dashboard label.
  const file = readExemplarFile(path);
  if (file.unread) throw new ExemplarFileUnread(`${path}: ${file.problems[0] ?? 'not read'}; fix it before labelling calls (it is left as it is)`);
  const current = file.exemplars;
  const i = current.findIndex((e) => e.prompt === exemplar.prompt);
  const next = current.map(({ prompt, tier, reason }) => ({ prompt, tier, reason }));
  if (i >= 0) next[i] = exemplar;
  else next.push(exemplar);
  mkdirSync(dirname(path), { recursive: true });
  // The file sits in a repository someone else may have written: a temporary name it could guess
  // (the pid) let a planted link (`router-exemplars.tsv.<pid>.tmp` → ~/.bashrc) take the write.
  // Unguessable, and created exclusively (O_EXCL refuses any path already there, a link included).
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  writeFileSync(tmp, formatExemplars(next), { mode: 0o644, flag: 'wx' });
  renameSync(tmp, path);
  return { added: i < 0, count: next.length };
}

/** One tier up or down from the tier a call was routed to (clamped at the ends). */
export function adjacentTier(tier: Tier, verdict: 'bigger' | 'smaller'): Tier {
  const i = TIERS.indexOf(tier) + (verdict === 'bigger' ? 1 : -1);
  return TIERS[Math.min(TIERS.length - 1, Math.max(0, i))]!;
}
