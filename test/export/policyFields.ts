/**
 * Every leaf field of the policy schema as a path (`providers.*.baseUrl`, `budgets[].scope.team`),
 * derived from the policy's JSON Schema so a new schema field shows up here without anyone listing it.
 */
import { policyJsonSchema } from '../../proxy/src/policy/schema';

type Node = { type?: string | string[]; properties?: Record<string, Node>; additionalProperties?: Node | boolean; items?: Node; anyOf?: Node[]; $ref?: string };

export function policyFieldPaths(): string[] {
  const root = policyJsonSchema() as Node & { $defs?: Record<string, Node>; definitions?: Record<string, Node> };
  const defs = { ...(root.definitions ?? {}), ...(root.$defs ?? {}) };
  const out: string[] = [];
  const walk = (node: Node, path: string): void => {
    if (node.$ref) return walk(defs[node.$ref.split('/').pop() as string] as Node, path);
    if (node.properties) {
      for (const [k, v] of Object.entries(node.properties)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (node.additionalProperties && typeof node.additionalProperties === 'object' && (node.additionalProperties.properties || node.additionalProperties.$ref))
      return walk(node.additionalProperties, `${path}.*`);
    if (node.items && (node.items.properties || node.items.$ref)) return walk(node.items, `${path}[]`);
    out.push(path);
  };
  walk(root, '');
  return out.sort();
}
