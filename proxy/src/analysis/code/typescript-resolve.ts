/**
 * Same-file dataflow for call arguments in TypeScript/JavaScript: follows an identifier to the one
 * object literal it is bound to, spreads to the objects they spread, and a call to a same-file builder function
 * to the object literal it returns, and a `let` assigned objects in branches to all of them. Anything
 * it cannot see — a parameter, an import, a variable reassigned from elsewhere, a dynamic key — makes
 * the answer "unknown", so the rule never guesses.
 */
import ts from 'typescript';

export function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x) || ts.isNonNullExpression(x) || ts.isTypeAssertionExpression(x))
    x = x.expression;
  return x;
}

/** The properties an argument object ends up with, in order (later ones win), and where to add one. */
export interface ResolvedObject {
  props: ts.ObjectLiteralElementLike[];
  /** A spread, computed key or later mutation the analysis cannot read. */
  opaque: boolean;
  /** The literal the code builds the arguments in: where a fix inserts a property. */
  target: ts.ObjectLiteralExpression;
  /** Property names set by assignments after the literal (`params.max_tokens = 100`). */
  assigned: Set<string>;
  /**
   * false when the object is one of several a `let` is assigned (in branches): the props are the
   * union of all of them, and no single literal is the place to insert a property.
   */
  fixable?: false;
}

const MAX_DEPTH = 6;

/** The node a declaration is visible in: its block (let/const), function (var, parameters) or file. */
function scopeOf(decl: ts.Node): ts.Node {
  const isVar = ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.BlockScoped) === 0;
  let n: ts.Node = decl.parent;
  while (n.parent) {
    if (ts.isFunctionLike(n)) return n;
    if (!isVar && !ts.isParameter(decl) && (ts.isBlock(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isCaseBlock(n) || ts.isModuleBlock(n)))
      return n;
    n = n.parent;
  }
  return n;
}

/** The variable a nested member write changes (`a` of `a.b.c = …`, `a["b"][0] = …`); undefined for `this.…` and other roots. */
function writtenRoot(left: ts.Expression): string | undefined {
  let e = unwrap(left);
  let depth = 0;
  while ((ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && depth++ < 16) e = unwrap(e.expression);
  return depth >= 2 && ts.isIdentifier(e) ? e.text : undefined;
}

/** Index of bindings in one file, built once per file. */
export class FileBindings {
  /** Each declaration with the node it is visible in, found once: a name declared in every function of a big file is looked up from each of them. */
  private readonly decls = new Map<string, Array<{ decl: ts.Node; scope: ts.Node }>>();
  private readonly writes = new Map<string, number>();
  /** `name = …` / `name op= …` expressions, per name, for a `let` assigned in branches. */
  private readonly assignments = new Map<string, ts.BinaryExpression[]>();
  private readonly memberWrites = new Map<string, Array<string | undefined>>();
  private readonly functions = new Map<string, Array<ts.FunctionLikeDeclaration | ts.ClassDeclaration>>();
  /** `this.client = …` and class fields `client = …`, per property name. */
  private readonly thisWrites = new Map<string, ts.Expression[]>();

  constructor(readonly sf: ts.SourceFile) {
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) this.push(this.decls, n.name.text, { decl: n, scope: scopeOf(n) });
      else if (ts.isParameter(n) && ts.isIdentifier(n.name)) this.push(this.decls, n.name.text, { decl: n, scope: scopeOf(n) });
      else if (ts.isBindingElement(n) && ts.isIdentifier(n.name)) this.push(this.decls, n.name.text, { decl: n, scope: scopeOf(n) });
      else if ((ts.isImportSpecifier(n) || ts.isImportClause(n) || ts.isNamespaceImport(n)) && n.name) this.push(this.decls, n.name.text, { decl: n, scope: scopeOf(n) });
      if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name) this.push(this.functions, n.name.text, n);
      if (ts.isPropertyDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) this.push(this.thisWrites, n.name.text, n.initializer);
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
        const init = unwrap(n.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) this.push(this.functions, n.name.text, init);
      }
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const left = unwrap(n.left);
        if (ts.isIdentifier(left)) {
          this.writes.set(left.text, (this.writes.get(left.text) ?? 0) + 1);
          this.push(this.assignments, left.text, n);
        } else if (ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword) this.push(this.thisWrites, left.name.text, n.right);
        else if (ts.isPropertyAccessExpression(left) && ts.isIdentifier(unwrap(left.expression)))
          this.push(this.memberWrites, (unwrap(left.expression) as ts.Identifier).text, left.name.text);
        else if (ts.isElementAccessExpression(left) && ts.isIdentifier(unwrap(left.expression))) {
          const k = unwrap(left.argumentExpression);
          this.push(this.memberWrites, (unwrap(left.expression) as ts.Identifier).text, ts.isStringLiteralLike(k) ? k.text : undefined);
        } else {
          // `params.inferenceConfig.maxTokens = 300`, `body.messages[0].content = …`: a nested object
          // changed in a way the analysis does not follow; what `params` sends is not known.
          const root = writtenRoot(left);
          if (root) this.push(this.memberWrites, root, undefined);
        }
      }
      // Object.assign(params, …) and delete params.x change what is sent in ways we do not follow.
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.getText(sf) === 'Object.assign') {
        const first = n.arguments[0] ? unwrap(n.arguments[0]) : undefined;
        if (first && ts.isIdentifier(first)) this.push(this.memberWrites, first.text, undefined);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }

  private push<T>(m: Map<string, T[]>, k: string, v: T): void {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  }

  /** The object literal a name is bound to, if exactly one const/let binding with no reassignment exists. */
  private objectOf(name: string, at: ts.Node, depth: number): ResolvedObject | undefined {
    const d = this.visibleDeclaration(name, at);
    if (!d) return undefined;
    if (!ts.isVariableDeclaration(d) || !d.initializer) return undefined;
    const r = (this.writes.get(name) ?? 0) > 0 ? this.reassignedObject(name, d, depth) : this.resolve(d.initializer, depth + 1);
    if (!r) return undefined;
    for (const key of this.memberWrites.get(name) ?? []) {
      if (key === undefined) r.opaque = true;
      else r.assigned.add(key);
    }
    return r;
  }

  /**
   * A `let` given a new object in branches (`let s = {}; if (a) s = { toolChoice: 'required' }`):
   * at a later use it holds one of them, so the answer is their union — a limit in any one of
   * them counts as set, and any object the analysis cannot see makes the whole answer unknown.
   * Assignments to a shadowing binding of the same name are another variable's.
   */
  private reassignedObject(name: string, d: ts.VariableDeclaration, depth: number): ResolvedObject | undefined {
    const mine = (this.assignments.get(name) ?? []).filter((a) => this.visibleDeclaration(name, a.left) === d);
    if (mine.length === 0) return this.resolve(d.initializer!, depth + 1);
    if (mine.some((a) => a.operatorToken.kind !== ts.SyntaxKind.EqualsToken)) return undefined;
    const first = this.resolve(d.initializer!, depth + 1);
    if (!first) return undefined;
    const merged: ResolvedObject = { props: [...first.props], opaque: first.opaque, target: first.target, assigned: new Set(first.assigned), fixable: false };
    for (const a of mine) {
      const r = this.resolve(a.right, depth + 1);
      if (!r) return undefined;
      merged.props.push(...r.props);
      merged.opaque ||= r.opaque;
      for (const k of r.assigned) merged.assigned.add(k);
    }
    return merged;
  }

  /** The declaration (variable, parameter, import) of `name` visible at `at`, if exactly one. */
  declarationOf(name: string, at: ts.Node): ts.Node | undefined {
    return this.visibleDeclaration(name, at);
  }

  /** A function or class declared in this file under `name` (a declaration or a const arrow/function expression). */
  declaresLocally(name: string): boolean {
    return (this.functions.get(name) ?? []).length > 0;
  }

  /** What `this.<name>` is assigned in the file (constructor assignments, class field initializers). */
  thisValues(name: string): ts.Expression[] {
    return this.thisWrites.get(name) ?? [];
  }

  /**
   * What `this.<name>` read at `at` can hold: the assignments and field initializer of its class
   * (another class's `this.model` is another object's); undefined when a constructor parameter
   * property (`constructor(private model: string)`) sets it from outside.
   */
  classThisValues(name: string, at: ts.Node): ts.Expression[] | undefined {
    let cls: ts.Node | undefined = at.parent;
    while (cls && !ts.isClassLike(cls)) cls = cls.parent;
    if (!cls || !ts.isClassLike(cls)) return this.thisValues(name);
    const c = cls;
    for (const m of c.members)
      if (ts.isConstructorDeclaration(m) && m.parameters.some((p) => ts.isParameterPropertyDeclaration(p, m) && ts.isIdentifier(p.name) && p.name.text === name)) return undefined;
    return this.thisValues(name).filter((v) => v.pos >= c.pos && v.end <= c.end);
  }

  /** The innermost declaration of `name` whose scope contains `at` (shadowing as the language does). */
  private visibleDeclaration(name: string, at: ts.Node): ts.Node | undefined {
    let best: { decl: ts.Node; scope: ts.Node } | undefined;
    let tie = false;
    for (const { decl, scope } of this.decls.get(name) ?? []) {
      if (!(scope.pos <= at.pos && at.end <= scope.end)) continue;
      if (!best || scope.pos > best.scope.pos || (scope.pos === best.scope.pos && scope.end < best.scope.end)) {
        best = { decl, scope };
        tie = false;
      } else if (scope === best.scope) tie = true;
    }
    return best && !tie ? best.decl : undefined;
  }

  /** The object literal a same-file builder function returns (one return statement, or an arrow with an object body). */
  private returnedObject(call: ts.CallExpression, depth: number): ResolvedObject | undefined {
    const callee = unwrap(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    // Overload signatures have no body; the implementation is the one that returns.
    const fns = (this.functions.get(callee.text) ?? []).filter((f): f is ts.FunctionLikeDeclaration => ts.isFunctionLike(f) && !!f.body);
    if (fns.length !== 1) return undefined;
    const fn = fns[0]!;
    if (!fn.body) return undefined;
    if (!ts.isBlock(fn.body)) return this.resolve(fn.body, depth + 1);
    const returns: ts.ReturnStatement[] = [];
    const walk = (n: ts.Node): void => {
      if (ts.isReturnStatement(n)) returns.push(n);
      if (ts.isFunctionLike(n) && n !== fn) return;
      ts.forEachChild(n, walk);
    };
    ts.forEachChild(fn.body, walk);
    if (returns.length !== 1 || !returns[0]!.expression) return undefined;
    return this.resolve(returns[0]!.expression, depth + 1);
  }

  /** What an argument expression resolves to; undefined = cannot see (say "unknown"). */
  resolve(expr: ts.Expression, depth = 0): ResolvedObject | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = unwrap(expr);
    if (ts.isObjectLiteralExpression(e)) {
      const props: ts.ObjectLiteralElementLike[] = [];
      let opaque = false;
      const assigned = new Set<string>();
      for (const p of e.properties) {
        if (ts.isSpreadAssignment(p)) {
          const inner = this.resolve(p.expression, depth + 1);
          if (!inner) opaque = true;
          else {
            props.push(...inner.props);
            opaque ||= inner.opaque;
            for (const a of inner.assigned) assigned.add(a);
          }
        } else {
          if (p.name && ts.isComputedPropertyName(p.name)) opaque = true;
          props.push(p);
        }
      }
      return { props, opaque, target: e, assigned };
    }
    if (ts.isIdentifier(e)) return this.objectOf(e.text, e, depth);
    // `await buildParams()` of an async builder returns what the builder's return statement builds.
    if (ts.isAwaitExpression(e)) return this.resolve(e.expression, depth + 1);
    if (ts.isCallExpression(e)) return this.returnedObject(e, depth);
    return undefined;
  }

  /** The initializer of a `const` (or never-reassigned `let`) visible at `at`. */
  constInitializer(name: string, at: ts.Node): ts.Expression | undefined {
    const d = this.visibleDeclaration(name, at);
    if (!d || !ts.isVariableDeclaration(d) || !d.initializer || (this.writes.get(name) ?? 0) > 0) return undefined;
    return d.initializer;
  }

  /** An array literal, directly or through a same-file binding. */
  arrayOf(expr: ts.Expression, depth = 0): ts.ArrayLiteralExpression | undefined {
    const e = unwrap(expr);
    if (ts.isArrayLiteralExpression(e)) return e;
    if (ts.isIdentifier(e) && depth < MAX_DEPTH && (this.memberWrites.get(e.text) ?? []).length === 0) {
      const init = this.constInitializer(e.text, e);
      return init ? this.arrayOf(init, depth + 1) : undefined;
    }
    return undefined;
  }

  /** Properties written on a name anywhere in the file (`llm.maxTokens = 300` → maxTokens; a computed key → undefined). */
  memberWritesOf(name: string): ReadonlyArray<string | undefined> {
    return this.memberWrites.get(name) ?? [];
  }

  /** Calls `<name>.<method>(…)` anywhere in the file (LangChain's `model.bind({ maxTokens })`). */
  methodCalls(name: string, methods: string[]): ts.CallExpression[] {
    const out: ts.CallExpression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && methods.includes(n.expression.name.text)) {
        const obj = unwrap(n.expression.expression);
        if (ts.isIdentifier(obj) && obj.text === name) out.push(n);
      }
      ts.forEachChild(n, visit);
    };
    visit(this.sf);
    return out;
  }
}
