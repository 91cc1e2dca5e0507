/**
 * What a tree-sitter scope declares, read once per analysis. Lookups walk from a use up through its
 * scopes; reading the whole class or file again at every call on a client field made a file of many
 * calls quadratic (a 5,000-line Java file took 20 s).
 */
import type { Node, Tree } from 'web-tree-sitter';

/** `build(node)`, computed once per node of each tree (a node's id is stable while its tree lives). */
export function perNode<T>(build: (n: Node) => T): (n: Node) => T {
  const trees = new WeakMap<Tree, Map<number, T>>();
  return (n) => {
    let byId = trees.get(n.tree);
    if (!byId) {
      byId = new Map();
      trees.set(n.tree, byId);
    }
    if (byId.has(n.id)) return byId.get(n.id)!;
    const value = build(n);
    byId.set(n.id, value);
    return value;
  };
}
