/**
 * Finds LLM calls in TypeScript/JavaScript with the TypeScript compiler API (a syntax tree, never
 * regular expressions over source) and reads their output limit, model and literal prompt text.
 */
import ts from 'typescript';
import { classifyCallee, limitKeyFor, OUTPUT_LIMIT_KEYS, type CallApi, type DetectedCall } from './llm-call';

function scriptKind(path: string): ts.ScriptKind {
  const p = path.toLowerCase();
  if (p.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (p.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (p.endsWith('.js') || p.endsWith('.mjs') || p.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** "a.b.c" for `a.b.c`, `this.a.b.c`, `a?.b.c`, `(await x).a.b`; undefined for computed access. */
function calleeChain(expr: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(expr)) return [expr.text];
  if (ts.isPropertyAccessExpression(expr)) {
    const left = calleeChain(expr.expression);
    return [...(left ?? ['?']), expr.name.text];
  }
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return ['this'];
  if (ts.isParenthesizedExpression(expr) || ts.isAwaitExpression(expr) || ts.isNonNullExpression(expr)) return calleeChain(expr.expression);
  if (ts.isCallExpression(expr)) return [...(calleeChain(expr.expression) ?? ['?']), '()'];
  return undefined;
}

function propName(p: ts.ObjectLiteralElementLike): string | undefined {
  const n = p.name;
  if (!n) return undefined;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
  return undefined;
}

function findProp(obj: ts.ObjectLiteralExpression, names: string[]): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => {
    const n = propName(p);
    return n !== undefined && names.includes(n);
  });
}

function propValue(p: ts.ObjectLiteralElementLike | undefined): ts.Expression | undefined {
  if (!p) return undefined;
  if (ts.isPropertyAssignment(p)) return p.initializer;
  if (ts.isShorthandPropertyAssignment(p)) return p.name;
  return undefined;
}

function unwrap(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x) || ts.isNonNullExpression(x)) x = x.expression;
  return x;
}

interface LimitScan {
  limit: DetectedCall['limit'];
  outputLimit?: number;
}

/** present / missing / unknown for an object literal (spreads and computed keys hide what is set). */
function scanLimit(obj: ts.ObjectLiteralExpression): LimitScan {
  const hit = obj.properties.find((p) => {
    const n = propName(p);
    return n !== undefined && OUTPUT_LIMIT_KEYS.has(n);
  });
  if (hit) {
    const v = propValue(hit);
    const u = v ? unwrap(v) : undefined;
    return u && ts.isNumericLiteral(u) ? { limit: 'present', outputLimit: Number(u.text) } : { limit: 'present' };
  }
  const opaque = obj.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && ts.isComputedPropertyName(p.name)));
  return { limit: opaque ? 'unknown' : 'missing' };
}

function stringValue(e: ts.Expression | undefined): { text: string; placeholders: number } | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) return { text: u.text, placeholders: 0 };
  if (ts.isTemplateExpression(u)) return { text: u.head.text + u.templateSpans.map((s) => s.literal.text).join(''), placeholders: u.templateSpans.length };
  return undefined;
}

function insertProperty(sf: ts.SourceFile, obj: ts.ObjectLiteralExpression, prop: string): { offset: number; newText: string } {
  const last = obj.properties[obj.properties.length - 1];
  if (!last) return { offset: obj.getStart(sf) + 1, newText: ` ${prop} ` };
  const text = sf.text;
  const lastStart = last.getStart(sf);
  const multiLine = text.slice(obj.getStart(sf), lastStart).includes('\n');
  if (!multiLine) return { offset: last.end, newText: `, ${prop}` };
  const lineStart = text.lastIndexOf('\n', lastStart - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return { offset: last.end, newText: `,\n${indent}${prop}` };
}

const MODEL_KEYS = ['model', 'modelName', 'model_name'];

function collectPrompt(obj: ts.ObjectLiteralExpression, sf: ts.SourceFile, call: DetectedCall): void {
  const add = (role: string, e: ts.Expression | undefined) => {
    if (!e) return;
    const s = stringValue(e);
    if (s) {
      call.messages.push({ role, text: s.text, start: e.getStart(sf), end: e.end });
      call.placeholders += s.placeholders;
    } else call.placeholders += 1;
  };
  for (const [key, role] of [
    ['system', 'system'],
    ['instructions', 'system'],
    ['prompt', 'user'],
  ] as const) {
    const p = findProp(obj, [key]);
    if (p) add(role, propValue(p));
  }
  const input = propValue(findProp(obj, ['input']));
  if (input && stringValue(input)) add('user', input);
  const list = propValue(findProp(obj, ['messages', 'input', 'contents']));
  const arr = list ? unwrap(list) : undefined;
  if (arr && ts.isArrayLiteralExpression(arr)) {
    for (const el of arr.elements) {
      const m = unwrap(el);
      if (!ts.isObjectLiteralExpression(m)) {
        call.placeholders += 1;
        continue;
      }
      const role = stringValue(propValue(findProp(m, ['role'])))?.text ?? 'user';
      const content = propValue(findProp(m, ['content']));
      const c = content ? unwrap(content) : undefined;
      if (c && ts.isArrayLiteralExpression(c)) {
        for (const part of c.elements) {
          const pu = unwrap(part);
          if (ts.isObjectLiteralExpression(pu)) add(role, propValue(findProp(pu, ['text'])));
          else call.placeholders += 1;
        }
      } else add(role, content);
    }
  } else if (arr && !stringValue(arr)) call.placeholders += 1;
}

export function findTypeScriptCalls(path: string, text: string): DetectedCall[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
  const calls: DetectedCall[] = [];

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const chain = calleeChain(node.expression);
      const api = chain ? classifyCallee(chain, ts.isNewExpression(node)) : undefined;
      if (api && chain) calls.push(inspectCall(sf, node, api, chain));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return calls;
}

function inspectCall(sf: ts.SourceFile, node: ts.CallExpression | ts.NewExpression, api: CallApi, chain: string[]): DetectedCall {
  const isNew = ts.isNewExpression(node);
  const callee = `${isNew ? 'new ' : ''}${chain.join('.')}`;
  const call: DetectedCall = { api, callee, start: node.expression.getStart(sf), end: node.expression.end, limit: 'unknown', messages: [], placeholders: 0 };
  const args = node.arguments ?? [];
  const key = limitKeyFor(api, 'typescript');
  const title = `Add ${key}: 1024`;
  const firstArg = args[0] ? unwrap(args[0]) : undefined;

  if (!firstArg) {
    // `new ChatOpenAI()` sends no limit; a call with no arguments at all we cannot judge.
    if (isNew) {
      call.limit = 'missing';
      const open = sf.text.indexOf('(', node.expression.end);
      if (open >= 0) call.insertion = { offset: open + 1, newText: `{ ${key}: 1024 }`, title };
    }
    return call;
  }
  if (args.some((a) => ts.isSpreadElement(a)) || !ts.isObjectLiteralExpression(firstArg)) {
    call.placeholders = 1; // the prompt is in arguments we cannot see
    return call;
  }

  const modelValue = stringValue(propValue(findProp(firstArg, MODEL_KEYS)));
  if (modelValue && modelValue.placeholders === 0) call.model = modelValue.text;
  if (!isNew) {
    collectPrompt(firstArg, sf, call);
    // A spread may carry the messages: count that unknown content as a placeholder.
    if (call.messages.length === 0 && call.placeholders === 0 && firstArg.properties.some((p) => ts.isSpreadAssignment(p))) call.placeholders = 1;
  }

  if (api === 'google-genai') {
    const cfgProp = findProp(firstArg, ['config', 'generationConfig']);
    const cfg = propValue(cfgProp);
    const cfgObj = cfg ? unwrap(cfg) : undefined;
    if (!cfgProp) {
      const scan = scanLimit(firstArg);
      call.limit = scan.limit === 'unknown' ? 'unknown' : 'missing';
      if (call.limit === 'missing') call.insertion = { ...insertProperty(sf, firstArg, `config: { ${key}: 1024 }`), title };
    } else if (cfgObj && ts.isObjectLiteralExpression(cfgObj)) {
      Object.assign(call, scanLimit(cfgObj));
      if (call.limit === 'missing') call.insertion = { ...insertProperty(sf, cfgObj, `${key}: 1024`), title };
    }
    return call;
  }
  Object.assign(call, scanLimit(firstArg));
  // LangChain models also take call options as a second constructor/invoke argument we do not follow.
  if (call.limit === 'missing') call.insertion = { ...insertProperty(sf, firstArg, `${key}: 1024`), title };
  return call;
}
