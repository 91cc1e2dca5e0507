/**
 * Finds LLM calls in TypeScript/JavaScript with the TypeScript compiler API (a syntax tree, never
 * regular expressions over source) and reads their output limit, model and literal prompt text.
 */
import ts from 'typescript';
import { calleeText, classifyCallee, limitKeyFor, OUTPUT_LIMIT_KEYS, type CallApi, type DetectedCall, type FileHints } from './llm-call';
import { FileBindings, unwrap, type ResolvedObject } from './typescript-resolve';

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

/** The last property with one of these names (a later one overrides a spread-in earlier one). */
function findProp(props: readonly ts.ObjectLiteralElementLike[], names: string[]): ts.ObjectLiteralElementLike | undefined {
  for (let i = props.length - 1; i >= 0; i--) {
    const n = propName(props[i]!);
    if (n !== undefined && names.includes(n)) return props[i];
  }
  return undefined;
}

function propValue(p: ts.ObjectLiteralElementLike | undefined): ts.Expression | undefined {
  if (!p) return undefined;
  if (ts.isPropertyAssignment(p)) return p.initializer;
  if (ts.isShorthandPropertyAssignment(p)) return p.name;
  return undefined;
}

interface LimitScan {
  limit: DetectedCall['limit'];
  outputLimit?: number;
}

/** present / missing / unknown for resolved arguments (spreads we cannot follow and dynamic keys hide what is set). */
function scanLimit(obj: ResolvedObject): LimitScan {
  const hit = obj.props.find((p) => {
    const n = propName(p);
    return n !== undefined && OUTPUT_LIMIT_KEYS.has(n);
  });
  if (hit) {
    const v = propValue(hit);
    const u = v ? unwrap(v) : undefined;
    // Objects assigned in branches may set different limits: which one applies is not known.
    return u && ts.isNumericLiteral(u) && obj.fixable !== false ? { limit: 'present', outputLimit: Number(u.text) } : { limit: 'present' };
  }
  if ([...obj.assigned].some((k) => OUTPUT_LIMIT_KEYS.has(k))) return { limit: 'present' };
  return { limit: obj.opaque ? 'unknown' : 'missing' };
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

/**
 * The AI SDK names its model through a provider call — `openai('gpt-4o')`, `anthropic.messages('…')`,
 * `createOpenAI({…})('…')`, possibly held in a same-file constant — whose first argument is the id.
 * A plain string (`'openai/gpt-4o'`, the gateway form) is returned as it is.
 */
function aiSdkModelId(bindings: FileBindings, e: ts.Expression | undefined, depth = 0): ts.Expression | undefined {
  if (!e || depth > 4) return e;
  const u = unwrap(e);
  if (ts.isIdentifier(u)) {
    const init = bindings.constInitializer(u.text, u);
    return init ? aiSdkModelId(bindings, init, depth + 1) : e;
  }
  if (ts.isCallExpression(u) && u.arguments[0]) return u.arguments[0];
  return e;
}

/** Reads literal strings, following a same-file constant (`const SYSTEM_PROMPT = "…"`). */
class Strings {
  constructor(private readonly bindings: FileBindings) {}

  value(e: ts.Expression | undefined, depth = 0): { text: string; placeholders: number; node: ts.Expression } | undefined {
    if (!e || depth > 4) return undefined;
    const u = unwrap(e);
    if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) return { text: u.text, placeholders: 0, node: u };
    if (ts.isTemplateExpression(u)) return { text: u.head.text + u.templateSpans.map((s) => s.literal.text).join(''), placeholders: u.templateSpans.length, node: u };
    if (ts.isIdentifier(u)) {
      const init = this.bindings.constInitializer(u.text, u);
      return init ? this.value(init, depth + 1) : undefined;
    }
    return undefined;
  }
}

function collectPrompt(props: readonly ts.ObjectLiteralElementLike[], sf: ts.SourceFile, strings: Strings, bindings: FileBindings, call: DetectedCall): void {
  const add = (role: string, e: ts.Expression | undefined) => {
    if (!e) return;
    const s = strings.value(e);
    if (s) {
      call.messages.push({ role, text: s.text, start: s.node.getStart(sf), end: s.node.end });
      call.placeholders += s.placeholders;
    } else call.placeholders += 1;
  };
  for (const [key, role] of [
    ['system', 'system'],
    ['instructions', 'system'],
    ['prompt', 'user'],
  ] as const) {
    const p = findProp(props, [key]);
    if (p) add(role, propValue(p));
  }
  const input = propValue(findProp(props, ['input']));
  if (input && strings.value(input)) add('user', input);
  const list = propValue(findProp(props, ['messages', 'input', 'contents']));
  const arr = list ? bindings.arrayOf(list) : undefined;
  if (arr) {
    for (const el of arr.elements) {
      const m = bindings.resolve(el);
      if (!m || m.fixable === false) {
        call.placeholders += 1;
        continue;
      }
      const role = strings.value(propValue(findProp(m.props, ['role'])))?.text ?? 'user';
      const content = propValue(findProp(m.props, ['content']));
      const c = content ? unwrap(content) : undefined;
      if (c && ts.isArrayLiteralExpression(c)) {
        for (const part of c.elements) {
          const pu = unwrap(part);
          if (ts.isObjectLiteralExpression(pu)) add(role, propValue(findProp(pu.properties, ['text'])));
          else call.placeholders += 1;
        }
      } else add(role, content);
    }
  } else if (list && !strings.value(list)) call.placeholders += 1;
}

function fileHints(sf: ts.SourceFile): FileHints {
  const hints: FileHints = { cohere: false, litellm: false, openaiAgents: false };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const m = st.moduleSpecifier.text;
      if (m === 'cohere-ai') hints.cohere = true;
      if (m === '@openai/agents' || m.startsWith('@openai/agents-')) hints.openaiAgents = true;
    }
  }
  // require('cohere-ai') in CommonJS.
  if (!hints.cohere && /require\(\s*['"]cohere-ai['"]\s*\)/.test(sf.text)) hints.cohere = true;
  return hints;
}

export function findTypeScriptCalls(path: string, text: string): DetectedCall[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
  const calls: DetectedCall[] = [];
  const hints = fileHints(sf);
  let bindings: FileBindings | undefined;

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const chain = calleeChain(node.expression);
      const api = chain ? classifyCallee(chain, ts.isNewExpression(node), hints) : undefined;
      if (api && chain) {
        bindings ??= new FileBindings(sf);
        calls.push(inspectCall(sf, bindings, node, api, chain));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return calls;
}

/** Where the constructor's result goes: `.bind({ maxTokens })` on it, directly or through a variable. */
function boundLimit(bindings: FileBindings, node: ts.NewExpression | ts.CallExpression): LimitScan | undefined {
  const binds: ts.CallExpression[] = [];
  let p: ts.Node = node.parent;
  while (ts.isParenthesizedExpression(p) || ts.isAwaitExpression(p)) p = p.parent;
  if (ts.isPropertyAccessExpression(p) && ['bind', 'withConfig'].includes(p.name.text) && ts.isCallExpression(p.parent)) binds.push(p.parent);
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) binds.push(...bindings.methodCalls(p.name.text, ['bind', 'withConfig']));
  let unknown = false;
  for (const b of binds) {
    const arg = b.arguments[0];
    const r = arg ? bindings.resolve(arg) : undefined;
    if (!r) {
      unknown = true;
      continue;
    }
    const scan = scanLimit(r);
    if (scan.limit === 'present') return scan;
    if (scan.limit === 'unknown') unknown = true;
  }
  return unknown ? { limit: 'unknown' } : undefined;
}

function inspectCall(sf: ts.SourceFile, bindings: FileBindings, node: ts.CallExpression | ts.NewExpression, api: CallApi, chain: string[]): DetectedCall {
  const isNew = ts.isNewExpression(node);
  const callee = `${isNew ? 'new ' : ''}${calleeText(chain)}`;
  const call: DetectedCall = { api, callee, start: node.expression.getStart(sf), end: node.expression.end, limit: 'unknown', messages: [], placeholders: 0 };
  const strings = new Strings(bindings);
  const args = node.arguments ?? [];
  const key = limitKeyFor(api, 'typescript');
  const title = `Add ${key}: 1024`;
  const constructs = isNew || api === 'google-legacy';

  if (!args[0]) {
    // `new ChatOpenAI()` sends no limit (unless bound later); a call with no arguments at all we cannot judge.
    if (isNew) {
      const bound = boundLimit(bindings, node);
      if (bound) return Object.assign(call, bound);
      call.limit = 'missing';
      const open = sf.text.indexOf('(', node.expression.end);
      if (open >= 0) call.insertion = { offset: open + 1, newText: `{ ${key}: 1024 }`, title };
    }
    return call;
  }
  const resolved = args.some((a) => ts.isSpreadElement(a)) ? undefined : bindings.resolve(args[0]);
  if (!resolved) {
    call.placeholders = 1; // the prompt is in arguments we cannot see
    call.argumentsHidden = true;
    return call;
  }
  const props = resolved.props;
  // Arguments assigned in branches: which prompt and model are sent is not known, only whether any
  // of the alternatives sets a limit.
  const branches = resolved.fixable === false;
  if (branches) {
    call.placeholders = 1;
    call.argumentsHidden = true;
  }

  const modelProp = propValue(findProp(props, MODEL_KEYS));
  const modelValue = strings.value(api === 'ai-sdk' ? aiSdkModelId(bindings, modelProp) : modelProp);
  if (modelValue && modelValue.placeholders === 0 && !branches) call.model = modelValue.text;
  if (!constructs && !branches) {
    collectPrompt(props, sf, strings, bindings, call);
    // A spread may carry the messages: count that unknown content as a placeholder.
    if (call.messages.length === 0 && call.placeholders === 0 && resolved.opaque) call.placeholders = 1;
    if (resolved.opaque) call.argumentsHidden = true;
  }

  // APIs whose limit lives in a nested config object.
  const nested: Partial<Record<CallApi, { names: string[]; add: string }>> = {
    'google-genai': { names: ['config', 'generationConfig'], add: 'config' },
    'google-legacy': { names: ['generationConfig'], add: 'generationConfig' },
    'openai-agents': { names: ['modelSettings'], add: 'modelSettings' },
  };
  const where = nested[api];
  if (where) {
    const cfgProp = findProp(props, where.names);
    if (!cfgProp) {
      const direct = scanLimit(resolved);
      call.limit = direct.limit === 'missing' ? 'missing' : 'unknown';
      if (call.limit === 'missing' && resolved.fixable !== false) call.insertion = { ...insertProperty(sf, resolved.target, `${where.add}: { ${key}: 1024 }`), title };
    } else {
      const v = propValue(cfgProp);
      const cfg = v ? bindings.resolve(v) : undefined;
      if (cfg) {
        Object.assign(call, scanLimit(cfg));
        if (call.limit === 'missing' && cfg.fixable !== false) call.insertion = { ...insertProperty(sf, cfg.target, `${key}: 1024`), title };
      }
    }
    return call;
  }
  Object.assign(call, scanLimit(resolved));
  if (call.limit === 'missing' && isNew) {
    const bound = boundLimit(bindings, node);
    if (bound) return Object.assign(call, bound);
  }
  if (call.limit === 'missing' && resolved.fixable !== false) call.insertion = { ...insertProperty(sf, resolved.target, `${key}: 1024`), title };
  return call;
}
