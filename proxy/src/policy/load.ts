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
import { CST, isCollection, isMap, isNode, isPair, isScalar, Lexer, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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

/** yaml's own message names its API (parseAllDocuments); the user needs to know what to change. */
const MULTIPLE_DOCS = 'a second YAML document starts here ("---"); a policy is one document: remove this "---" line and put the sections together';

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
        else if (isScalar(item.key)) keys.set(key, item.key);
        if (isScalar(item.key) && String(key) === PROTOTYPE_KEY) prototypeKeys.push({ key: item.key, path: join(path, key) });
        stack.push({ node: item.value, depth: depth + 1, path: join(path, key) });
      } else stack.push({ node: item, depth: depth + 1, path: join(path, index) });
    });
    // Policy keys are names; a collection (or an alias) as a key is never one.
    const odd = (node.items as unknown[]).find((item) => isPair(item) && item.key !== null && !isScalar(item.key));
    if (isPair(odd)) return { excess: { node: isNode(odd.key) ? odd.key : node, message: 'a mapping key must be a plain value, not a collection or an alias' }, duplicates, prototypeKeys };
  }
  return { duplicates, prototypeKeys };
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

/** Where the key `name` of a YAML mapping starts, if the node is a mapping with that key. */
function keyOffset(map: unknown, name: string | undefined): number | undefined {
  if (!isMap(map) || name === undefined) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

/**
 * Line and column of a dotted policy path ("providers.evil.apiKeyEnv", "server.allowedOrigins.1") in
 * a policy text that parsed: for problems found after parsing (policy/trust.ts). The deepest node
 * on the path that exists; 1:1 when none does.
 */
export function locatePath(text: string, path: string): { line: number; column: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, YAML_OPTIONS(lineCounter));
  const pos = lineCounter.linePos(deepestOffset(doc, path === '' ? [] : path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))));
  return { line: pos.line, column: pos.col };
}

/** Where the deepest node on `keys` that exists starts (0 when none does). */
function deepestOffset(doc: Document, keys: ReadonlyArray<string | number>): number {
  let path = [...keys];
  let node: unknown;
  while (path.length > 0 && !(node = doc.getIn(path, true))) path = path.slice(0, -1);
  return isNode(node) && node.range ? node.range[0] : 0;
}

export function parsePolicy(text: string, file = 'policy.yaml'): PolicyParseResult {
  const lineCounter = new LineCounter();
  const at = (offset: number, message: string): PolicyParseResult => {
    // The line counter is filled by the parser; before it ran, count the lines here.
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { ok: false, problems: [{ file, line, column: offset - before.lastIndexOf('\n'), path: '', message }] };
  };
  const excess = tokenExcess(text);
  if (excess) return at(excess.offset, `${excess.message}; not a Tollgate policy`);
  const doc = parseDocument(text, YAML_OPTIONS(lineCounter));
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: capped(doc.errors, file, (e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: e.code === 'MULTIPLE_DOCS' ? MULTIPLE_DOCS : (e.message.split('\n')[0] ?? e.message) };
      }),
    };
  }
  const tree = checkTree(doc.contents);
  if (tree.excess) return at(tree.excess.node.range?.[0] ?? 0, `${tree.excess.message}; not a Tollgate policy`);
  if (tree.duplicates.length > 0) {
    return {
      ok: false,
      // In file order (the walk is depth-first from a stack).
      problems: capped(
        tree.duplicates.sort((a, b) => (a.key.range?.[0] ?? 0) - (b.key.range?.[0] ?? 0)),
        file,
        (d) => {
          const pos = lineCounter.linePos(d.key.range?.[0] ?? 0);
          const first = lineCounter.linePos(d.first.range?.[0] ?? 0);
          const name = d.path.slice(d.path.lastIndexOf('.') + 1);
          return { file, line: pos.line, column: pos.col, path: d.path, message: `"${name}" is given twice in the same mapping (first on line ${first.line}); keep one — YAML does not merge them` };
        },
      ),
    };
  }
  if (tree.prototypeKeys.length > 0) {
    return {
      ok: false,
      problems: capped(
        tree.prototypeKeys.sort((a, b) => (a.key.range?.[0] ?? 0) - (b.key.range?.[0] ?? 0)),
        file,
        (k) => {
          const pos = lineCounter.linePos(k.key.range?.[0] ?? 0);
          return { file, line: pos.line, column: pos.col, path: k.path, message: PROTOTYPE_KEY_MESSAGE };
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
  const parsed = PolicySchema.safeParse(data);
  if (parsed.success) return { ok: true, policy: parsed.data };
  // One problem per unknown key, each at its own line with the key it is near.
  const issues = parsed.error.issues.flatMap((issue): Array<{ issue: z.core.$ZodIssue; key: string | undefined }> =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ issue, key })) : [{ issue, key: undefined }],
  );
  return {
    ok: false,
    // Messages are worked out only for the problems reported (a hostile file can have thousands).
    problems: capped(issues, file, ({ issue, key }) => {
      const message = key !== undefined ? unknownKeyMessage(key, issue.path) : (issueHint(issue, valueAt(data, issue.path)) ?? issue.message);
      // Point at the deepest node that exists on the issue's path.
      let offset = deepestOffset(doc, issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k)));
      // An unknown key is pointed at itself, not at its mapping (the first key of the block).
      if (key !== undefined) offset = keyOffset(issue.path.length === 0 ? doc.contents : doc.getIn(issue.path, true), key) ?? offset;
      const pos = lineCounter.linePos(offset);
      return { file, line: pos.line, column: pos.col, path: issue.path.join('.'), message };
    }),
  };
}
