/** Small helpers over `yaml` documents: typed lookups that keep each node's source range. */
import type { PromptDocument } from './document';
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, YAMLParseError, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

export type YamlDoc = Document.Parsed;

/** Alias nodes (`*defaults`) and the anchored node each stands for, filled in by parseYaml. */
const aliasTargets = new WeakMap<object, unknown>();

/**
 * A non-breaking space typed or pasted after a key's colon (`model:\u00a0gpt-4o`): YAML does not
 * count U+00A0 as a separator, so it reads one key `model:\u00a0gpt-4o` with no value and the file
 * silently loses its model. It is read as the space it was meant to be — the same length, so every
 * offset holds — and reported as a parse problem, since the tool that reads the file will not.
 */
const NBSP_AFTER_KEY = /^([ \t]*(?:-[ \t]+)?[A-Za-z_$][\w$.-]*):\u00a0/gm;

/**
 * Non-breaking spaces in a line's indentation (pasted from a web page or chat): YAML indents with
 * spaces only, so `\u00a0\u00a0max_tokens: 300` under `parameters:` is read as a new top-level key
 * named "\u00a0\u00a0max_tokens" — no error, the limit silently gone, and a quick fix that adds a
 * second `parameters:`. Read as the spaces they were meant to be (same length) and reported.
 */
const NBSP_INDENT = /^[ \t]*\u00a0[ \t\u00a0]*(?=\S)/gm;

export function parseYaml(text: string): YamlDoc {
  const options = { keepSourceTokens: false, uniqueKeys: false, merge: true } as const;
  let doc = parseDocument(text, options);
  // `word:\u00a0` inside a string (a `|` prompt) is the prompt's own text: only the others are keys.
  const nbsp = text.includes('\u00a0') ? [...text.matchAll(NBSP_AFTER_KEY)].filter((m) => !inString(doc, m.index + m[0].length - 1)) : [];
  // (Inside a `|` block a non-breaking space after the block's indentation is the prompt's own text.)
  const indents = text.includes('\u00a0') ? [...text.matchAll(NBSP_INDENT)].filter((m) => !inString(doc, m.index + m[0].indexOf('\u00a0'))) : [];
  if (nbsp.length || indents.length) {
    let source = text;
    for (const m of nbsp) source = `${source.slice(0, m.index + m[0].length - 1)} ${source.slice(m.index + m[0].length)}`;
    for (const m of indents) source = source.slice(0, m.index) + m[0].replace(/\u00a0/g, ' ') + source.slice(m.index + m[0].length);
    doc = parseDocument(source, options);
  }
  for (const m of nbsp) {
    const at = m.index + m[0].length - 1;
    const key = m[1]!.replace(/^[ \t]*(?:-[ \t]+)?/, '');
    doc.errors.push(readAsMeant([at, at + 1], `A non-breaking space follows "${key}:"; YAML needs a normal space there`));
  }
  for (const m of indents) {
    const at = m.index + m[0].indexOf('\u00a0');
    doc.errors.push(readAsMeant([at, m.index + m[0].length], 'This line is indented with non-breaking spaces; YAML indents with normal spaces only'));
  }
  visit(doc, {
    Alias(_, node) {
      try {
        const target = node.resolve(doc);
        if (target) aliasTargets.set(node, target);
      } catch {
        // an undefined anchor is a parse error the document already reports
      }
    },
  });
  return doc;
}

/**
 * Parse errors that Tollgate read past as the author meant (a non-breaking space taken for a space):
 * the counts include what follows, but the tool that runs the prompt reads the file differently.
 */
const readAsMeantErrors = new WeakSet<YAMLParseError>();

function readAsMeant(pos: [number, number], message: string): YAMLParseError {
  const e = new YAMLParseError(pos, 'UNEXPECTED_TOKEN', message);
  readAsMeantErrors.add(e);
  return e;
}

/** A document's errors as prompt-document parse problems, at file offsets (`offset`: where the YAML starts in the file). */
export function parseProblemsOf(doc: YamlDoc | undefined, offset = 0): PromptDocument['parseProblems'] {
  return (doc?.errors ?? []).map((e) => ({
    message: e.message,
    start: offset + e.pos[0],
    end: offset + e.pos[1],
    ...(readAsMeantErrors.has(e) ? { readAsMeant: true } : {}),
  }));
}

/** Whether `offset` is inside a block or quoted scalar of the document. */
function inString(doc: YamlDoc, offset: number): boolean {
  let inside = false;
  visit(doc, {
    Scalar(_, node) {
      if (node.type !== 'PLAIN' && node.range && offset > node.range[0] && offset < node.range[1]) inside = true;
      return inside ? visit.BREAK : undefined;
    },
  });
  return inside;
}

/** The node an alias (`*defaults`) refers to; any other node as it is. */
export function deref(node: unknown): unknown {
  return isAlias(node) ? aliasTargets.get(node) : node;
}

/** Whether `node` is an alias (an edit there would change the anchored node, shared by others). */
export { isAlias };

function mergeSources(map: YAMLMap): YAMLMap[] {
  const out: YAMLMap[] = [];
  for (const p of map.items) {
    // With `merge: true` the key's value is a symbol; its source is still `<<`.
    if (!isScalar(p.key) || (p.key.value !== '<<' && p.key.source !== '<<')) continue;
    const v = deref(p.value);
    if (isMap(v)) out.push(v);
    else if (isSeq(v)) for (const item of v.items) if (isMap(deref(item))) out.push(deref(item) as YAMLMap);
  }
  return out;
}

/** The value under `key`, following aliases and `<<` merge keys (an own key wins over a merged one). */
export function getNode(parent: unknown, key: string, raw = false): Node | undefined {
  const map = deref(parent);
  if (!isMap(map)) return undefined;
  const pair = (map as YAMLMap).items.find((p) => (isScalar(p.key) ? p.key.value === key : p.key === key));
  if (pair) {
    const v = raw ? pair.value : deref(pair.value);
    return v == null ? undefined : (v as Node);
  }
  for (const source of mergeSources(map as YAMLMap)) {
    const v = getNode(source, key, raw);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function getPair(parent: unknown, key: string): Pair<unknown, unknown> | undefined {
  const map = deref(parent);
  if (!isMap(map)) return undefined;
  return (map as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<unknown, unknown> | undefined;
}

export function scalarString(node: unknown): string | undefined {
  const n = deref(node);
  if (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')) return String(n.value);
  return undefined;
}

export function scalarNumber(node: unknown): number | undefined {
  const n = deref(node);
  if (isScalar(n) && typeof n.value === 'number' && Number.isFinite(n.value)) return n.value;
  if (isScalar(n) && typeof n.value === 'string' && /^\d+$/.test(n.value.trim())) return Number(n.value);
  return undefined;
}

export function nodeRange(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

export function seqItems(node: unknown): unknown[] {
  const n = deref(node);
  return isSeq(n) ? n.items.map(deref) : [];
}

/**
 * An output limit written under one of `keys`: its number when the value is one (or a templated
 * value with a numeric default, `${env:MAX_TOKENS:300}`), and whether any of the keys is present at
 * all — a templated value (`'{{ env.MAX_TOKENS }}'`, `${env:MAX_TOKENS}`) is a limit the file sets,
 * just not one we can read, and adding a second key would make the mapping invalid.
 */
export function outputLimitOf(parent: unknown, keys: string[]): { value?: number; present: boolean } {
  let present = false;
  for (const k of keys) {
    const node = getNode(parent, k);
    if (node === undefined) continue;
    present = true;
    const s = scalarString(node);
    const d = s?.startsWith('${env:') ? envDefault(s) : undefined;
    const n = scalarNumber(node) ?? (d !== undefined && /^\d+$/.test(d) ? Number(d) : undefined);
    if (n !== undefined) return { value: n, present };
  }
  return { present };
}

/** Prompty's `${env:NAME:default}` substitution: the default, or undefined when there is none. */
export function envDefault(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^\$\{env:[^:}]+(?::([^}]*))?\}$/.exec(value.trim());
  if (!m) return value;
  const d = m[1]?.trim();
  return d ? d : undefined;
}

export { isMap, isScalar, isSeq };
