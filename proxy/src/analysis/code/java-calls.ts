/**
 * Finds LLM calls in Java with tree-sitter: openai-java (`client.chat().completions().create(params)`,
 * `client.responses().create(params)`) and anthropic-java (`client.messages().create(params)`). The
 * request is built with its params class's builder (`ChatCompletionCreateParams.builder()
 * .model(…).maxCompletionTokens(…).build()`), in the call or in a variable of the same method; each
 * builder method is a wire key in camelCase. A builder the analysis cannot follow (`toBuilder()` of
 * other params, a parameter, a builder handed to another method) makes the limit unknown.
 */
import type { Node } from 'web-tree-sitter';
import { limitKeyForModel, suggestedLimit, targetOfUrl, type CallApi, type ClientTarget, type DetectedCall } from './llm-call';
import { grammarParser } from './grammars';
import { perNode } from './node-memo';
import { modelOfConstant } from './sdk-model-constants';
import { maxOutputTokens, modelProvider, reasonsByDefault } from '../cost/max-output';

const SEND = new Set(['create', 'createStreaming']);

/** Java's spellings of every output limit these SDKs take. */
const LIMIT_METHODS = new Set(['maxTokens', 'maxCompletionTokens', 'maxOutputTokens']);

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'line_comment' && c.type !== 'block_comment');
}

/** `client.chat().completions().create` → ['client', 'chat()', 'completions()', 'create']. */
function chainOf(n: Node | null): string[] | undefined {
  if (!n) return undefined;
  if (n.type === 'identifier') return [n.text];
  if (n.type === 'field_access') {
    const field = n.childForFieldName('field')?.text;
    return field ? [...(chainOf(n.childForFieldName('object')) ?? ['?']), field] : undefined;
  }
  if (n.type === 'method_invocation') {
    const name = n.childForFieldName('name')?.text;
    const obj = n.childForFieldName('object');
    return name ? [...(obj ? (chainOf(obj) ?? ['?']) : []), name] : undefined;
  }
  if (n.type === 'parenthesized_expression') return chainOf(named(n)[0] ?? null);
  return undefined;
}

/** A string literal's value (also a text block); undefined for anything else. */
function stringValue(n: Node | null | undefined): string | undefined {
  if (n?.type !== 'string_literal') return undefined;
  let text = '';
  for (const c of named(n)) {
    if (c.type === 'string_fragment' || c.type === 'multiline_string_fragment') text += c.text;
    else if (c.type === 'escape_sequence') text += JAVA_ESCAPES[c.text[1]!] ?? c.text.slice(1);
    else return undefined;
  }
  // A text block (`"""…"""`) starts after its opening line.
  return n.text.startsWith('"""') ? text.replace(/^[^\n]*\n/, '') : text;
}

const JAVA_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', s: ' ', '"': '"', "'": "'", '\\': '\\' };

function imports(root: Node): string[] {
  return root.descendantsOfType('import_declaration').flatMap((d) => (d ? [d.text.replace(/^import\s+(static\s+)?/, '').replace(/;\s*$/, '')] : []));
}

function scopeOf(n: Node): Node {
  let p = n.parent;
  while (p && !['method_declaration', 'constructor_declaration', 'lambda_expression', 'class_body', 'program'].includes(p.type)) p = p.parent;
  return p ?? n;
}

/** The one value a local variable or field is declared with, unless it is assigned again; undefined otherwise. */
function declaredValue(name: string, at: Node): Node | undefined {
  return declarationOf(name, at)?.value;
}

/** The variables a scope declares (for a class body, also those of its methods) and the names assigned anywhere in it. */
const scopeIndex = perNode((scope) => {
  const decls = new Map<string, Node[]>();
  const assigned = new Set<string>();
  for (const d of scope.descendantsOfType('variable_declarator')) {
    const name = d?.childForFieldName('name')?.text;
    if (!d || name === undefined || (scope.type !== 'class_body' && scopeOf(d).id !== scope.id)) continue;
    const list = decls.get(name);
    if (list) list.push(d);
    else decls.set(name, [d]);
  }
  for (const a of scope.descendantsOfType('assignment_expression')) {
    const left = a?.childForFieldName('left')?.text;
    if (left !== undefined) assigned.add(left);
  }
  return { decls, assigned };
});

/** declaredValue, and the scope the variable is declared in (a method, or the class body for a field). */
function declarationOf(name: string, at: Node): { value: Node; scope: Node } | undefined {
  for (let scope: Node | null = scopeOf(at); scope; scope = scope.type === 'program' ? null : scopeOf(scope)) {
    if (scope.childForFieldName('parameters')?.descendantsOfType('identifier').some((i) => i?.text === name)) return undefined;
    const { decls, assigned } = scopeIndex(scope);
    const mine = decls.get(name);
    if (!mine) continue;
    const value = mine.length === 1 && !assigned.has(name) ? mine[0]!.childForFieldName('value') : null;
    return value ? { value, scope } : undefined;
  }
  return undefined;
}

interface Builder {
  /** Builder methods called, with their argument lists, in call order. */
  calls: Array<{ name: string; args: Node[] }>;
  opaque: boolean;
  /** The `.build()` call a method can be added before (a request built in one chain). */
  build?: Node;
}

/** The variable or field `n` names: `b`, or `this.b`. */
function variableName(n: Node | null): string | undefined {
  if (n?.type === 'identifier') return n.text;
  return n?.type === 'field_access' && n.childForFieldName('object')?.type === 'this' ? n.childForFieldName('field')?.text : undefined;
}

/**
 * The calls made on each variable of a scope (`b.maxTokens(100)`, `this.b.model(…)`) in source
 * order, and the variables handed to a method as an argument. Indexed once per scope: a builder
 * field read by every method of a class re-read the whole class per call.
 */
const scopeBuilderUses = perNode((scope) => {
  const calls = new Map<string, Array<{ start: number; end: number; call: Builder['calls'][number] }>>();
  const passed = new Set<string>();
  for (const m of scope.descendantsOfType('method_invocation')) {
    const name = m ? variableName(m.childForFieldName('object')) : undefined;
    if (!m || name === undefined) continue;
    const args = m.childForFieldName('arguments');
    const use = { start: m.startIndex, end: m.endIndex, call: { name: m.childForFieldName('name')?.text ?? '', args: args ? named(args) : [] } };
    const list = calls.get(name);
    if (list) list.push(use);
    else calls.set(name, [use]);
  }
  for (const a of scope.descendantsOfType('argument_list')) {
    if (!a) continue;
    for (const x of named(a)) {
      const name = variableName(x);
      if (name !== undefined) passed.add(name);
    }
  }
  return { calls, passed };
});

/**
 * Calls made on a builder variable in statements of their own: `b.maxTokens(100);`, anywhere in the
 * scope it is declared in (for a field, the whole class: a constructor may set the limit). The chain
 * being read (`at`'s own calls) is left out: it is read already.
 */
function laterCalls(name: string, at: Node, scope: Node, into: Builder): void {
  const uses = scopeBuilderUses(scope);
  const [start, end] = [at.startIndex, at.endIndex];
  for (const use of uses.calls.get(name) ?? []) if (!(use.start <= start && end <= use.end)) into.calls.push(use.call);
  // Handed to another method, it may be given anything.
  if (uses.passed.has(name)) into.opaque = true;
}

function readBuilder(n: Node | null | undefined, depth = 0): Builder | undefined {
  if (!n || depth > 6) return undefined;
  if (n.type === 'parenthesized_expression') return readBuilder(named(n)[0], depth + 1);
  if (n.type === 'identifier' || (n.type === 'field_access' && n.childForFieldName('object')?.type === 'this')) {
    const name = n.type === 'identifier' ? n.text : (n.childForFieldName('field')?.text ?? '');
    const decl = declarationOf(name, n);
    const inner = decl ? readBuilder(decl.value, depth + 1) : undefined;
    if (!inner || !decl) return undefined;
    // A variable holding a builder (not yet built) is configured by the statements that follow.
    if (!inner.build) laterCalls(name, n, decl.scope, inner);
    return inner;
  }
  if (n.type !== 'method_invocation') return undefined;
  const name = n.childForFieldName('name')?.text;
  const obj = n.childForFieldName('object');
  if (name && (!obj || obj.type === 'this')) return helperResult(n, name, depth);
  // `XCreateParams.builder()`: the start of the chain.
  if (name === 'builder' && obj && /Params$/.test(obj.text.split('.').at(-1) ?? '')) return { calls: [], opaque: false };
  if (!name || !obj) return undefined;
  if (name === 'toBuilder') return { calls: [], opaque: true };
  const inner = readBuilder(obj, depth + 1);
  if (!inner) return undefined;
  if (name === 'build') return { ...inner, build: n };
  const args = n.childForFieldName('arguments');
  inner.calls.push({ name, args: args ? named(args) : [] });
  return inner;
}

/**
 * The builder a method of this class returns (`base().addUserMessage(q).build()`): read in that
 * method, when it is the only method of that name and each of its `return`s can be read.
 */
function helperResult(call: Node, name: string, depth: number): Builder | undefined {
  let body: Node | null = call.parent;
  while (body && body.type !== 'class_body') body = body.parent;
  const decls = (body?.namedChildren ?? []).filter((d): d is Node => d?.type === 'method_declaration' && d.childForFieldName('name')?.text === name);
  if (decls.length !== 1) return undefined;
  const decl = decls[0]!;
  const returns = decl.descendantsOfType('return_statement').filter((r): r is Node => r !== null && scopeOf(r).id === decl.id);
  const read = returns.map((r) => readBuilder(named(r)[0], depth + 1));
  if (read.length === 0 || read.some((r) => !r)) return undefined;
  const only = read.length === 1 ? read[0]!.build : undefined;
  return { calls: read.flatMap((r) => r!.calls), opaque: read.some((r) => r!.opaque), ...(only ? { build: only } : {}) };
}

function intValue(n: Node | undefined): number | undefined {
  if (!n || !['decimal_integer_literal', 'hex_integer_literal'].includes(n.type)) return undefined;
  const v = Number(n.text.replace(/[lL_]/g, ''));
  return Number.isFinite(v) ? v : undefined;
}

/** `"gpt-4o"`, `ChatModel.of("gpt-4o")`, `ChatModel.GPT_4O`, `Model.CLAUDE_SONNET_4_5`. */
function modelValue(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  const s = stringValue(n);
  if (s !== undefined) return s;
  if (n.type === 'method_invocation' && n.childForFieldName('name')?.text === 'of') return stringValue(named(n.childForFieldName('arguments')!)[0]);
  if (n.type === 'field_access') {
    const field = n.childForFieldName('field')?.text ?? '';
    return /^[A-Z0-9_]+$/.test(field) ? modelOfConstant(field) : undefined;
  }
  return undefined;
}

const ROLE_OF: Record<string, string> = {
  addSystemMessage: 'system',
  addDeveloperMessage: 'developer',
  addUserMessage: 'user',
  addAssistantMessage: 'assistant',
  system: 'system',
  instructions: 'system',
  input: 'user',
};

function collectPrompt(b: Builder, call: DetectedCall): void {
  for (const c of b.calls) {
    const role = ROLE_OF[c.name];
    if (!role && !['messages', 'addMessage'].includes(c.name)) continue;
    const arg = c.args[0];
    const text = role ? stringValue(arg) : undefined;
    if (text === undefined || !arg || !role) call.placeholders++;
    else call.messages.push({ role, text, start: arg.startIndex, end: arg.endIndex });
  }
}

/** Where an openai-java client sends requests: `OpenAIOkHttpClient.builder().baseUrl("…")…build()`. */
function clientTarget(receiver: Node | null): ClientTarget | undefined {
  let n = receiver;
  for (let depth = 0; n && depth < 6; depth++) {
    if (n.type === 'identifier') n = declaredValue(n.text, n) ?? null;
    else if (n.type === 'method_invocation') {
      const chain = chainOf(n) ?? [];
      // fromEnv() reads OPENAI_BASE_URL: not visible here.
      if (chain.includes('fromEnv')) return undefined;
      if (!/^OpenAI(OkHttp)?Client(Async)?$/.test(chain[0] ?? '') || !chain.includes('builder')) {
        n = n.childForFieldName('object');
        continue;
      }
      for (let m: Node | null = n; m?.type === 'method_invocation'; m = m.childForFieldName('object')) {
        const name = m.childForFieldName('name')?.text;
        if (name === 'azureServiceVersion') return { kind: 'azure' };
        if (name !== 'baseUrl') continue;
        const url = stringValue(named(m.childForFieldName('arguments')!)[0]);
        return url === undefined ? undefined : targetOfUrl(url);
      }
      return { kind: 'openai' };
    } else return undefined;
  }
  return undefined;
}

function classify(chain: readonly string[], modules: readonly string[]): CallApi | undefined {
  const [method, service, parent] = [chain.at(-1), chain.at(-2), chain.at(-3)];
  if (!method || !SEND.has(method)) return undefined;
  const openai = modules.some((m) => m.startsWith('com.openai.'));
  if (service === 'completions' && parent === 'chat' && openai) return 'openai-chat';
  if (service === 'responses' && openai) return 'openai-responses';
  if (service === 'messages' && modules.some((m) => m.startsWith('com.anthropic.'))) return 'anthropic-messages';
  return undefined;
}

function inspect(source: string, node: Node, api: CallApi): DetectedCall {
  const nameNode = node.childForFieldName('name')!;
  const start = node.childForFieldName('object')?.startIndex ?? nameNode.startIndex;
  const call: DetectedCall = { api, callee: source.slice(start, nameNode.endIndex).replace(/\s+/g, ''), start, end: nameNode.endIndex, limit: 'unknown', messages: [], placeholders: 0 };
  const args = node.childForFieldName('arguments');
  const b = readBuilder(args ? named(args)[0] : undefined);
  if (!b) {
    call.argumentsHidden = true;
    call.placeholders = 1;
    return call;
  }
  const model = modelValue(b.calls.findLast((c) => c.name === 'model')?.args[0]);
  if (model) call.model = model;
  collectPrompt(b, call);
  // The provider prices the lens of every call, limited or not (a Groq client's call is Groq's).
  const target = api.startsWith('openai-') ? clientTarget(findReceiver(node)) : undefined;
  if (target?.provider) call.provider = target.provider;
  const limit = b.calls.find((c) => LIMIT_METHODS.has(c.name));
  if (limit) {
    call.limit = 'present';
    const v = intValue(limit.args[0]);
    if (v !== undefined) call.outputLimit = v;
    return call;
  }
  call.limit = b.opaque ? 'unknown' : 'missing';
  if (b.opaque) return call;
  const facts = { max: call.model ? maxOutputTokens(call.model) : undefined, reasons: call.model ? reasonsByDefault(call.model) : false };
  const key = camel(limitKeyForModel(api, 'python', call.model, call.model ? modelProvider(call.model) : undefined, target && api === 'openai-chat' ? { kind: target.kind, reasons: facts.reasons } : undefined));
  const value = suggestedLimit('none', facts);
  if (value === undefined) return call;
  call.suggested = value;
  if (!b.build) return call;
  // Before `.build()`: on a line of its own when the chain puts each call on one.
  const before = b.build.childForFieldName('object')!;
  const dot = source.lastIndexOf('.', b.build.childForFieldName('name')!.startIndex);
  const gap = source.slice(before.endIndex, dot);
  const lineStart = source.lastIndexOf('\n', dot) + 1;
  const newText = gap.includes('\n') ? `\n${source.slice(lineStart, dot)}.${key}(${value}L)` : `.${key}(${value}L)`;
  call.insertion = { offset: before.endIndex, newText, title: `Add .${key}(${value}L)`, limit: value };
  return call;
}

/** The client a call's service chain starts from: `client` in `client.chat().completions().create(…)`. */
function findReceiver(node: Node): Node | null {
  let n: Node | null = node.childForFieldName('object');
  while (n?.type === 'method_invocation' && n.childForFieldName('object')) n = n.childForFieldName('object');
  return n?.type === 'method_invocation' ? null : n;
}

export async function findJavaCalls(text: string, wasmDir?: string): Promise<DetectedCall[]> {
  const parser = await grammarParser('java', wasmDir);
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    const modules = imports(tree.rootNode);
    const out: DetectedCall[] = [];
    for (const node of tree.rootNode.descendantsOfType('method_invocation')) {
      if (!node) continue;
      const chain = chainOf(node);
      const api = chain ? classify(chain, modules) : undefined;
      if (api) out.push(inspect(text, node, api));
    }
    return out;
  } finally {
    tree.delete();
  }
}
