/** Small helpers over `yaml` documents: typed lookups that keep each node's source range. */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

export type YamlDoc = Document.Parsed;

export function parseYaml(text: string): YamlDoc {
  return parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
}

export function getNode(parent: unknown, key: string): Node | undefined {
  if (!isMap(parent)) return undefined;
  const v = parent.get(key, true);
  return v == null ? undefined : (v as Node);
}

export function getPair(parent: unknown, key: string): Pair<unknown, unknown> | undefined {
  if (!isMap(parent)) return undefined;
  return (parent as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<unknown, unknown> | undefined;
}

export function scalarString(node: unknown): string | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  return undefined;
}

export function scalarNumber(node: unknown): number | undefined {
  if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
  if (isScalar(node) && typeof node.value === 'string' && /^\d+$/.test(node.value.trim())) return Number(node.value);
  return undefined;
}

export function nodeRange(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

export function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** First of several keys that is present (e.g. the spellings of an output limit). */
export function firstNumber(parent: unknown, keys: string[]): number | undefined {
  for (const k of keys) {
    const n = scalarNumber(getNode(parent, k));
    if (n !== undefined) return n;
  }
  return undefined;
}

export { isMap, isScalar, isSeq };
