/**
 * Parse and validate a policy file, reporting problems with file, line and reason.
 * Pure: takes text, returns a result; file reading lives in the caller.
 *
 * The file may come from a repository the user just cloned, so the YAML library's superlinear
 * work is bounded before it starts: more tokens than any policy has, flow collections nested
 * deeper than any policy needs, a value with a pile of anchors/tags, collections used as mapping
 * keys (their conversion is exponential: 800 bytes of `? ? ? …` hung the proxy) and aliases that
 * expand to more values than any policy has are refused. At most MAX_POLICY_PROBLEMS problems are
 * reported (they go to /healthz, the log and the dashboard's live events).
 */
import { type Alias, CST, isAlias, isCollection, isMap, isNode, isPair, isScalar, Lexer, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { issueHint, unknownKeyMessage, valueAt } from './hints';
import type { Policy } from './schema';
import { PolicySchema } from './schema';

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export type PolicyParseResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

/** Far deeper than the schema goes (about 6 levels); 1 MB of `[` took 18 s and 1 GB to parse. */
export const MAX_POLICY_DEPTH = 64;
/** Problems listed for one file; the rest are counted in a last problem. */
export const MAX_POLICY_PROBLEMS = 50;
/** A node has at most one anchor and one tag; `&a &a &a …` is quadratic to compose. */
const MAX_NODE_PROPERTIES = 2;
/**
 * Lexer tokens in a file (a full policy has about 1 500). Parsing costs up to ~25 µs a token, so a
 * 1 MB list took over 10 s of the proxy's event loop at start and on every reload; now about 1 s.
 */
export const MAX_POLICY_TOKENS = 50_000;
/**
 * Values once aliases are expanded. A policy has a few thousand; yaml's maxAliasCount bounds how
 * often aliases nest, not how big the aliased node is, so 100 aliases of one 20 000-item list (a
 * 47 KB file) became 2 million values: 21 s and 1.5 GB of validation issues.
 */
export const MAX_POLICY_VALUES = 100_000;

/**
 * How policies are parsed. Merge keys (`<<: *base`, YAML 1.1, kept by yaml-language-server, Docker
 * Compose and CI files) are resolved: policies copied from those files use them to share fields
 * between budgets or providers, and without this the `<<` was an unknown key and the shared fields
 * were missing.
 */
const YAML_OPTIONS = (lineCounter: LineCounter) => ({ lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });

/**
 * The text with every lone CR (old Mac editors, some Windows tools, a file pasted across them) as
 * LF. YAML 1.2 (§5.4) counts CR, LF and CRLF as line breaks, but the yaml library reads only LF and
 * CRLF: a CR-only file was one long line of "Nested mappings are not allowed" at line 1. Same
 * length, so every offset (and so every line and column reported) is the file's own.
 */
function lineBreaksAsLf(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** yaml's own message names its API (parseAllDocuments); the user needs to know what to change. */
const MULTIPLE_DOCS = 'a second YAML document starts here ("---"); a policy is one document: remove this "---" line and put the sections together';

/** File order, for problems and warnings found check by check: a reader fixes a file from the top (Array.sort is stable). */
export function byPosition(a: Pick<PolicyProblem, 'line' | 'column'>, b: Pick<PolicyProblem, 'line' | 'column'>): number {
  return a.line - b.line || a.column - b.column;
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** The first MAX_POLICY_PROBLEMS of `total` problems (only those are located), then a count of the rest. */
function capped<T>(all: readonly T[], file: string, locate: (item: T) => PolicyProblem): PolicyProblem[] {
  const problems = all.slice(0, MAX_POLICY_PROBLEMS).map(locate);
  const more = all.length - problems.length;
  if (more > 0) problems.push({ file, line: 1, column: 1, path: '', message: `…and ${more} more problem${more === 1 ? '' : 's'}` });
  return problems;
}

/** Tokens the lexer emits that are not source text (they take no room in the file). */
const CONTROL_TOKENS: ReadonlySet<string> = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/**
 * A linear pass over the lexer's tokens, stopping at the first excess: more than MAX_POLICY_TOKENS,
 * flow nesting deeper than MAX_POLICY_DEPTH, or more than MAX_NODE_PROPERTIES anchors/tags in a
 * row. Returns the offset.
 */
function tokenExcess(text: string): { offset: number; message: string } | undefined {
  let offset = 0;
  let depth = 0;
  let properties = 0;
  let tokens = 0;
  for (const token of new Lexer().lex(text)) {
    if (++tokens > MAX_POLICY_TOKENS) return { offset, message: `the file has more than ${MAX_POLICY_TOKENS} YAML tokens` };
    if (token === '[' || token === '{') {
      if (++depth > MAX_POLICY_DEPTH) return { offset, message: `collections are nested more than ${MAX_POLICY_DEPTH} deep` };
    } else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    if (token[0] === '&' || token[0] === '!') {
      if (++properties > MAX_NODE_PROPERTIES) return { offset, message: 'a value has more than one anchor (&) or tag (!)' };
    } else if (!/^\s*$/.test(token) && token[0] !== '#' && !CONTROL_TOKENS.has(token)) properties = 0;
    if (!CONTROL_TOKENS.has(token)) offset += token.length;
  }
  return undefined;
}

/**
 * Characters that look like a space (or nothing, or a quote) but are none to YAML: text copied from
 * a web page, a chat, a word processor or typed with a full-width IME. Outside comments they give
 * YAML errors that never name them ("Implicit keys need to be on a single line" for `period:<NBSP>day`)
 * or values that silently never match (`model: “gpt-4o”`, a header glob ending in U+200B).
 */
const LOOKALIKES = /[\u00a0\u1680\u2000-\u200b\u2018\u2019\u201c\u201d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/;

/** The problem for one lookalike character. */
function lookalikeMessage(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if ('\u2018\u2019\u201c\u201d'.includes(c)) return `a typographic quote ${c} (${hex}) here, from a word processor or chat: YAML quotes are " and '`;
  const names: Record<string, string> = { '\u00a0': 'a no-break space', '\u200b': 'a zero-width space', '\u2028': 'a line separator', '\u2029': 'a paragraph separator', '\u202f': 'a narrow no-break space', '\u2060': 'a word joiner', '\u3000': 'a full-width (ideographic) space', '\ufeff': 'a zero-width no-break space' };
  const name = Object.hasOwn(names, c) ? names[c] : 'a typographic space';
  return `${name} (${hex}) here, which YAML does not read as a space (pasted from a web page or chat?): type a plain space, or delete it`;
}

/** Lookalike characters outside comments (the first of each line), with their line and column; a byte-order mark at the start is fine. */
function lookalikes(text: string): Array<{ line: number; column: number; message: string }> {
  if (!LOOKALIKES.test(text.slice(text.charCodeAt(0) === 0xfeff ? 1 : 0))) return [];
  // Comment spans, from the lexer (a `#` inside a value is no comment), in file order.
  const comments: Array<[number, number]> = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token[0] === '#') comments.push([offset, offset + token.length]);
    if (!CONTROL_TOKENS.has(token)) offset += token.length;
  }
  // One pass, skipping comments and the rest of a line once it has a problem: a hostile file can
  // hold a million such characters.
  const out: Array<{ line: number; column: number; message: string }> = [];
  const re = new RegExp(LOOKALIKES.source, 'g');
  re.lastIndex = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let comment = 0;
  let line = 1;
  let lineStart = 0;
  let newline = text.indexOf('\n');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    while (comment < comments.length && comments[comment]![1] <= m.index) comment++;
    const c = comments[comment];
    if (c && c[0] <= m.index) {
      re.lastIndex = c[1];
      continue;
    }
    while (newline !== -1 && newline < m.index) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf('\n', newline + 1);
    }
    out.push({ line, column: m.index - lineStart + 1, message: lookalikeMessage(m[0]) });
    if (newline === -1) break;
    re.lastIndex = newline + 1;
  }
  return out;
}

/**
 * yaml's message for a syntax error, first line only, with what to write where globs meet YAML's
 * reserved characters: `x-team: *` (an alias with no name) and `model: @cf/meta/*` must be quoted.
 */
function yamlErrorMessage(code: string, message: string, at: string): string {
  if (code === 'MULTIPLE_DOCS') return MULTIPLE_DOCS;
  const first = message.split('\n')[0] ?? message;
  if (code === 'BAD_ALIAS') return `${first}: a lone * is read as a YAML alias; a glob that starts with * must be quoted, as in "*"`;
  if (code === 'BAD_SCALAR_START') return `${first}: quote the value, as in "${at}…"`;
  // Editors set to tabs, or a block pasted from a Makefile: YAML indents with spaces only.
  if (code === 'TAB_AS_INDENT') return `${first}: indent with spaces (YAML reads no tabs there)`;
  return first;
}

/** Aliases (`*name`) with no anchor before them: in a policy, nearly always a glob written without quotes (`model: *-mini`). */
function unresolvedAliases(doc: Document): Alias[] {
  const out: Alias[] = [];
  // One pass in document order (yaml's own Alias.resolve walks the whole document per alias).
  const anchors = new Set<string>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) out.push(node);
      } else if (node.anchor) anchors.add(node.anchor);
    },
  });
  return out;
}

/** The tag written at `offset` (`!secret`, `!!float`). */
function tagAt(text: string, offset: number): string {
  const sticky = /!\S*/y;
  sticky.lastIndex = offset;
  return sticky.exec(text)?.[0] ?? 'this tag';
}

function unresolvedTagMessage(tag: string): string {
  // A YAML type tag on a value it does not fit (yaml reads `!!float 5` as the text "5").
  if (tag.startsWith('!!')) return `the tag ${tag} does not fit this value: remove the tag (numbers, true/false and text are read without one)`;
  return `${tag} is a tag Tollgate does not read: a policy is plain YAML, with no secrets, includes, references or environment lookups; write the value itself`;
}

/** A mapping key given a second time: YAML keeps neither silently, so the policy is refused. */
interface Duplicate {
  key: Node;
  first: Node;
  /** Dotted policy path of the key ("budgets.0.usd"). */
  path: string;
}

/**
 * A key JavaScript objects cannot hold as their own: zod's records skip it (it would set the
 * result's prototype), so `header: { __proto__: x }` lost its only condition and the narrow rule
 * matched every request; a provider, tier or header of that name likewise vanished. No policy field
 * or real header is called this, so the key is refused at its line rather than dropped.
 */
const PROTOTYPE_KEY = '__proto__';
const PROTOTYPE_KEY_MESSAGE = `"${PROTOTYPE_KEY}" cannot be a key in a policy: JavaScript objects treat it as their prototype, so it would be dropped silently (a header match on it would match every request); rename it`;

/**
 * The parsed tree, iteratively: nesting past MAX_POLICY_DEPTH and mapping keys that are not plain
 * values end the walk; repeated keys and `__proto__` keys are collected. (yaml's own `uniqueKeys`
 * compares each key with every earlier one: 6 000 keys took 2 s, so the check is here, with a set.)
 */
function checkTree(root: unknown): { excess?: { node: Node; message: string }; duplicates: Duplicate[]; prototypeKeys: Array<{ key: Node; path: string }> } {
  const duplicates: Duplicate[] = [];
  const prototypeKeys: Array<{ key: Node; path: string }> = [];
  const stack: Array<{ node: unknown; depth: number; path: string }> = [{ node: root, depth: 0, path: '' }];
  const join = (path: string, key: unknown) => (path ? `${path}.${String(key)}` : String(key));
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth >= MAX_POLICY_DEPTH) return { excess: { node, message: `collections are nested more than ${MAX_POLICY_DEPTH} deep` }, duplicates, prototypeKeys };
    const keys = new Map<unknown, Node>();
    (node.items as unknown[]).forEach((item, index) => {
      if (isPair(item)) {
        const key: unknown = isScalar(item.key) ? item.key.value : null;
        const first = keys.get(key);
        if (first && isScalar(item.key)) duplicates.push({ key: item.key, first, path: join(path, key) });
        else if (isScalar(item.key)) {
          keys.set(key, item.key);
          // A second `__proto__` is reported once, as given twice.
          if (String(key) === PROTOTYPE_KEY) prototypeKeys.push({ key: item.key, path: join(path, key) });
        }
        stack.push({ node: item.value, depth: depth + 1, path: join(path, key) });
      } else stack.push({ node: item, depth: depth + 1, path: join(path, index) });
    });
    // Policy keys are names; a collection (or an alias) as a key is never one.
    const odd = (node.items as unknown[]).find((item) => isPair(item) && item.key !== null && !isScalar(item.key));
    if (isPair(odd)) return { excess: { node: isNode(odd.key) ? odd.key : node, message: 'a mapping key must be a plain value, not a collection or an alias' }, duplicates, prototypeKeys };
  }
  return { duplicates, prototypeKeys };
}

/** The problem for a key given twice (worked out only for problems reported). */
function duplicateMessage(d: Duplicate, lineCounter: LineCounter): string {
  const first = lineCounter.linePos(d.first.range?.[0] ?? 0);
  const name = d.path.slice(d.path.lastIndexOf('.') + 1);
  return `"${name}" is given twice in the same mapping (first on line ${first.line}); keep one — YAML does not merge them`;
}

/**
 * An environment variable reference, as written in Docker Compose and CI files (`${NAME}`,
 * `${NAME:-default}`, `$NAME`) or LiteLLM's config (`os.environ/NAME`). The policy is read as
 * written, so `model: ${MODEL}` sent the model "${MODEL}" upstream on every matching call.
 */
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|^\$([A-Za-z_][A-Za-z0-9_]*)$|^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/;

/** String values that refer to an environment variable, with their paths and the variable's name. */
function envReferences(root: unknown): Array<{ path: Array<string | number>; name: string }> {
  const out: Array<{ path: Array<string | number>; name: string }> = [];
  const stack: Array<{ v: unknown; path: Array<string | number> }> = [{ v: root, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const m = ENV_REFERENCE.exec(v);
      if (m) out.push({ path, name: (m[1] ?? m[2] ?? m[3])! });
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) stack.push({ v: item, path: [...path, i] });
    }
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) stack.push({ v: item, path: [...path, k] });
  }
  return out;
}

function envReferenceMessage(path: ReadonlyArray<string | number>, name: string): string {
  // apiKeyEnv is the one place a variable is read: it takes the name alone.
  if (path[path.length - 1] === 'apiKeyEnv') return `apiKeyEnv takes the variable's name alone: write ${name}`;
  return `Tollgate does not expand environment variables in the policy (here ${name}): write the value itself; only the provider key comes from the environment, through apiKeyEnv`;
}

/** Whether the converted value has more than `limit` values, counting each alias where it is used (cycles too). */
function tooManyValues(root: unknown, limit: number): boolean {
  const stack: unknown[] = [root];
  let seen = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++seen > limit) return true;
    if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v !== null && typeof v === 'object') for (const item of Object.values(v)) stack.push(item);
  }
  return false;
}

/**
 * Findings about a policy text that parsed (trust problems, warnings), each at the line and column
 * of its dotted path ("providers.evil.apiKeyEnv", "server.allowedOrigins.1": the deepest node on the
 * path that exists; 1:1 when none does), in file order. The text is parsed once for all of them:
 * parsing it again per finding made a policy with a thousand shadowed rules take minutes to load.
 */
export function locateAll(raw: string, file: string, found: ReadonlyArray<{ path: string; message: string }>): PolicyProblem[] {
  if (found.length === 0) return [];
  const lineCounter = new LineCounter();
  const offsets = nodeOffsets(parseDocument(lineBreaksAsLf(raw), YAML_OPTIONS(lineCounter)));
  return found
    .map((f) => {
      const pos = lineCounter.linePos(offsets.deepest(f.path === '' ? [] : f.path.split('.')));
      return { file, line: pos.line, column: pos.col, path: f.path, message: f.message };
    })
    .sort(byPosition);
}

/** One map key for a path, whether its list indexes come as numbers (zod) or as text (a dotted path). */
const pathId = (path: ReadonlyArray<string | number>): string => JSON.stringify(path.map(String));

/**
 * Where each node and each mapping key of the document starts, by path, in one walk: every finding
 * is located from one table (doc.getIn per finding scans a mapping's keys each time: quadratic in a
 * file of thousands of keys). As getIn, the walk does not go through aliases or merge keys: a path
 * into one stops at the alias.
 */
function nodeOffsets(doc: Document): { keys: Map<string, number>; deepest: (path: ReadonlyArray<string | number>) => number } {
  const nodes = new Map<string, number>();
  const keys = new Map<string, number>();
  const stack: Array<{ node: unknown; path: Array<string | number> }> = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (!isNode(node)) continue;
    if (path.length > 0 && node.range) nodes.set(pathId(path), node.range[0]);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        // As the parsed data names it: a ~ or null key is "" there, not "null".
        const at = [...path, pair.key.value === null ? '' : String(pair.key.value)];
        if (pair.key.range) keys.set(pathId(at), pair.key.range[0]);
        stack.push({ node: pair.value, path: at });
      }
    } else if (isCollection(node)) for (const [index, item] of node.items.entries()) stack.push({ node: item, path: [...path, index] });
  }
  const deepest = (path: ReadonlyArray<string | number>): number => {
    for (let n = path.length; n > 0; n--) {
      const offset = nodes.get(pathId(path.slice(0, n)));
      if (offset !== undefined) return offset;
    }
    return 0;
  };
  return { keys, deepest };
}

export function parsePolicy(raw: string, file = 'policy.yaml'): PolicyParseResult {
  const text = lineBreaksAsLf(raw);
  const lineCounter = new LineCounter();
  const at = (offset: number, message: string): PolicyParseResult => {
    // The line counter is filled by the parser; before it ran, count the lines here.
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { ok: false, problems: [{ file, line, column: offset - before.lastIndexOf('\n'), path: '', message }] };
  };
  // A NUL is in no YAML text: the file is binary, UTF-16 without a byte-order mark (a NUL in every
  // other byte) or cut by a crash. Said once: per line, it was 50 problems and a count.
  const nul = text.indexOf('\0');
  if (nul !== -1) return at(nul, 'this file is not text (it has NUL bytes from here): a binary file, UTF-16 saved without a byte-order mark, or a file cut short by a crash; save the policy as UTF-8 text');
  const excess = tokenExcess(text);
  if (excess) return at(excess.offset, `${excess.message}; not a Tollgate policy`);
  const pasted = lookalikes(text);
  if (pasted.length > 0) {
    return {
      ok: false,
      problems: capped(pasted, file, (p) => ({ file, line: p.line, column: p.column, path: '', message: p.message })),
    };
  }
  const doc = parseDocument(text, YAML_OPTIONS(lineCounter));
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: capped(doc.errors, file, (e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: yamlErrorMessage(e.code, e.message, text.charAt(e.pos[0])) };
      }),
    };
  }
  const dangling = unresolvedAliases(doc);
  if (dangling.length > 0) {
    return {
      ok: false,
      problems: capped(dangling, file, (a) => {
        const pos = lineCounter.linePos(a.range?.[0] ?? 0);
        return {
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `*${a.source} is read as a YAML alias (a reference to an anchor &${a.source} set before it), and there is none: a glob that starts with * must be quoted, as in "*${a.source}"`,
        };
      }),
    };
  }
  // yaml only warns about a tag it cannot apply and keeps the plain text: `model: !secret chat_model`
  // (Home Assistant), `!Ref` (CloudFormation) or `!env` became the model "chat_model" without a word.
  const tags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tags.length > 0) {
    return {
      ok: false,
      problems: capped(tags, file, (w) => {
        const pos = lineCounter.linePos(w.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: unresolvedTagMessage(tagAt(text, w.pos[0])) };
      }),
    };
  }
  const tree = checkTree(doc.contents);
  if (tree.excess) return at(tree.excess.node.range?.[0] ?? 0, `${tree.excess.message}; not a Tollgate policy`);
  // Both kinds of key problem at once, in file order (the walk is depth-first from a stack): a file
  // with both is fixed in one round.
  const keyProblems = [
    ...tree.duplicates.map((d) => ({ key: d.key, path: d.path, message: () => duplicateMessage(d, lineCounter) })),
    ...tree.prototypeKeys.map((k) => ({ ...k, message: () => PROTOTYPE_KEY_MESSAGE })),
  ];
  if (keyProblems.length > 0) {
    return {
      ok: false,
      problems: capped(
        keyProblems.sort((a, b) => (a.key.range?.[0] ?? 0) - (b.key.range?.[0] ?? 0)),
        file,
        (k) => {
          const pos = lineCounter.linePos(k.key.range?.[0] ?? 0);
          return { file, line: pos.line, column: pos.col, path: k.path, message: k.message() };
        },
      ),
    };
  }
  let data: unknown;
  try {
    // toJS resolves aliases; yaml refuses alias bombs ("Excessive alias count") by throwing.
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message: (err as Error).message }] };
  }
  if (tooManyValues(data, MAX_POLICY_VALUES)) return at(0, `the policy has more than ${MAX_POLICY_VALUES} values once its aliases (*name) are expanded; not a Tollgate policy`);
  const refs = envReferences(data);
  if (refs.length > 0) {
    const envOffsets = nodeOffsets(doc);
    return {
      ok: false,
      problems: capped(
        // In file order: the walk is depth-first from a stack.
        refs.map((r) => ({ ...r, offset: envOffsets.deepest(r.path) })).sort((a, b) => a.offset - b.offset),
        file,
        (r) => {
          const pos = lineCounter.linePos(r.offset);
          return { file, line: pos.line, column: pos.col, path: r.path.join('.'), message: envReferenceMessage(r.path, r.name) };
        },
      ),
    };
  }
  const parsed = PolicySchema.safeParse(data);
  if (parsed.success) return { ok: true, policy: parsed.data };
  // One problem per unknown key, each at its own line with the key it is near.
  const offsets = nodeOffsets(doc);
  const issues = parsed.error.issues
    .flatMap((issue): Array<{ issue: z.core.$ZodIssue; key: string | undefined }> =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ issue, key })) : [{ issue, key: undefined }],
    )
    .map((i) => {
      const path = i.issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
      // An unknown key, a key a record refuses or a name the schema marks `atKey` (a provider's) is
      // pointed at itself, not at its mapping or its value; anything else at the deepest node on its path.
      const atKey = i.issue.code === 'invalid_key' || (i.issue.code === 'custom' && i.issue.params?.atKey === true);
      const key = i.key !== undefined ? [...path, i.key] : atKey ? path : undefined;
      const offset = (key === undefined ? undefined : offsets.keys.get(pathId(key))) ?? offsets.deepest(path);
      return { ...i, offset };
    })
    // zod reports in schema order; a reader fixes a file from top to bottom (the sort is stable).
    .sort((a, b) => a.offset - b.offset);
  return {
    ok: false,
    // Messages are worked out only for the problems reported (a hostile file can have thousands).
    problems: capped(issues, file, ({ issue, key, offset }) => {
      // A top-level key whose value, or an entry of it (`defs: { a: &a … }`), carries an anchor holds definitions to share, as in Compose files.
      const holder = key !== undefined && issue.path.length === 0 && isMap(doc.contents) ? doc.contents.get(key, true) : undefined;
      const anchored = (n: unknown): boolean => isNode(n) && Boolean(n.anchor);
      const message =
        key !== undefined
          ? unknownKeyMessage(key, issue.path, { anchored: anchored(holder) || (isCollection(holder) && holder.items.some((i) => anchored(isPair(i) ? i.value : i))) })
          : (issueHint(issue, valueAt(data, issue.path)) ?? issue.message);
      const pos = lineCounter.linePos(offset);
      return { file, line: pos.line, column: pos.col, path: issue.path.join('.'), message };
    }),
  };
}

