/**
 * Finds LLM calls in Go with tree-sitter: openai-go (`client.Chat.Completions.New(ctx,
 * openai.ChatCompletionNewParams{…})`, `client.Responses.New(ctx, responses.ResponseNewParams{…})`)
 * and anthropic-sdk-go (`client.Messages.New(ctx, anthropic.MessageNewParams{…})`). The request is
 * a struct literal, given in the call or in a variable of the same function; its fields are the
 * wire keys in Go spelling (`MaxCompletionTokens: openai.Int(300)`). What the analysis cannot see —
 * params from a parameter or another function, a variable assigned something else — makes the
 * limit unknown, never missing.
 */
import type { Node } from 'web-tree-sitter';
import { calleeText, limitKeyForModel, suggestedLimit, targetOfUrl, type CallApi, type ClientTarget, type DetectedCall } from './llm-call';
import { grammarParser } from './grammars';
import { perNode } from './node-memo';
import { modelOfConstant } from './sdk-model-constants';
import { maxOutputTokens, modelProvider, reasonsByDefault } from '../cost/max-output';

const OPENAI_MODULE = /^github\.com\/openai\/openai-go(\/v\d+)?$/;
const ANTHROPIC_MODULE = /^github\.com\/anthropics\/anthropic-sdk-go(\/v\d+)?$/;

/** Methods that send a request (`NewStreaming` streams the same request). */
const SEND = new Set(['New', 'NewStreaming']);

/** The Go field for a wire key: max_completion_tokens → MaxCompletionTokens. */
function goField(key: string): string {
  return key.replace(/(^|_)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase());
}

/** Go's spellings of every output limit these SDKs take. */
const LIMIT_FIELDS = new Set(['MaxTokens', 'MaxCompletionTokens', 'MaxOutputTokens']);

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** `a.B.C` → ['a', 'B', 'C']. */
function chainOf(n: Node | null): string[] | undefined {
  if (!n) return undefined;
  if (n.type === 'identifier') return [n.text];
  if (n.type === 'selector_expression') {
    const field = n.childForFieldName('field')?.text;
    const operand = chainOf(n.childForFieldName('operand'));
    return field ? [...(operand ?? ['?']), field] : undefined;
  }
  if (n.type === 'call_expression') return [...(chainOf(n.childForFieldName('function')) ?? ['?']), '()'];
  if (n.type === 'parenthesized_expression') return chainOf(named(n)[0] ?? null);
  return undefined;
}

/** A Go string literal's value ("…" with escapes, or a `raw` string). */
function stringValue(n: Node | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'raw_string_literal') return n.text.slice(1, -1).replace(/\r/g, '');
  if (n.type !== 'interpreted_string_literal') return undefined;
  try {
    return JSON.parse(n.text.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\U([0-9a-fA-F]{8})/g, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16))).replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as string;
  } catch {
    return n.text.slice(1, -1);
  }
}

/** The file's imports: package name (or alias) → import path. */
function importsOf(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of root.descendantsOfType('import_spec')) {
    if (!spec) continue;
    const path = stringValue(spec.childForFieldName('path'));
    if (!path) continue;
    const alias = spec.childForFieldName('name')?.text;
    // The package name of `github.com/openai/openai-go/v3` is openai; of `…/responses`, responses.
    const parts = path.split('/');
    const last = /^v\d+$/.test(parts.at(-1) ?? '') ? parts.at(-2) : parts.at(-1);
    const pkg = alias ?? (OPENAI_MODULE.test(path) ? 'openai' : ANTHROPIC_MODULE.test(path) ? 'anthropic' : last);
    if (pkg && pkg !== '_' && pkg !== '.') out.set(pkg, path);
  }
  return out;
}

/** The innermost function (or the file) a node is in: where its variables are declared. */
function scopeOf(n: Node): Node {
  let p = n.parent;
  while (p && p.type !== 'function_declaration' && p.type !== 'method_declaration' && p.type !== 'func_literal' && p.type !== 'source_file') p = p.parent;
  return p ?? n;
}

/** Each name's declaring and assigning statements in a scope, in source order, with the name's place on the left. */
const scopeWrites = perNode((scope) => {
  const index = new Map<string, Array<{ st: Node; idx: number }>>();
  for (const st of scope.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec'])) {
    if (!st || scopeOf(st).id !== scope.id) continue;
    const left = st.type === 'var_spec' ? st.childrenForFieldName('name').filter((c): c is Node => c !== null) : named(st.childForFieldName('left') ?? st);
    left.forEach((l, idx) => {
      if (l.type !== 'identifier') return;
      const list = index.get(l.text);
      if (!list) index.set(l.text, [{ st, idx }]);
      // A name twice on one left side (`a, a = x, y`) is read at its first place.
      else if (list.at(-1)!.st.id !== st.id) list.push({ st, idx });
    });
  }
  return index;
});

/**
 * Everything `name` is given where it is declared (with `:=`/`var`, or assigned with `=`), in source
 * order, and that scope (a function, or the file for a package variable); undefined for a parameter.
 */
function declarationOf(name: string, at: Node): { values: Node[]; scope: Node } | undefined {
  for (let scope: Node | null = scopeOf(at); scope; scope = scope.type === 'source_file' ? null : scopeOf(scope)) {
    const values: Node[] = [];
    let declared = false;
    const params = scope.childForFieldName('parameters');
    if (params?.descendantsOfType('identifier').some((i) => i?.text === name)) return undefined;
    for (const { st, idx } of scopeWrites(scope).get(name) ?? []) {
      if (st.type !== 'assignment_statement') declared = true;
      const right = st.childForFieldName(st.type === 'var_spec' ? 'value' : 'right');
      const value = right ? named(right)[idx] : undefined;
      // `var p openai.ChatCompletionNewParams`: the zero value, fields set afterwards.
      if (!value && st.type === 'var_spec') values.push(st);
      // `x += …` and friends: not a value the analysis reads.
      else if (!value || (st.childForFieldName('operator')?.text ?? '=') !== '=') return undefined;
      else values.push(value);
    }
    if (declared) return { values, scope };
  }
  return undefined;
}

function valuesOf(name: string, at: Node): Node[] | undefined {
  return declarationOf(name, at)?.values;
}

interface Params {
  fields: Map<string, Node>;
  /** A part of the request the analysis cannot read (a field written through a pointer, a copy of other params). */
  opaque: boolean;
  /** The struct literal to add a field to; absent when there is not exactly one. */
  literal?: Node;
}

/**
 * What each name of a scope is given field by field, in source order: `name.Field = value` (a
 * field and its value), `name.A.B = …` (a nested write) and `&name` (a pointer handed on). Indexed
 * once per scope: a package variable read by every handler of a file re-read the whole file per call.
 */
type FieldWrite = { field: string; value: Node } | 'nested' | 'pointer';
const scopeFieldWrites = perNode((scope) => {
  const index = new Map<string, FieldWrite[]>();
  const add = (name: string, w: FieldWrite) => {
    const list = index.get(name);
    if (list) list.push(w);
    else index.set(name, [w]);
  };
  for (const st of scope.descendantsOfType(['assignment_statement', 'unary_expression'])) {
    if (!st) continue;
    if (st.type === 'unary_expression') {
      const operand = st.childForFieldName('operand');
      if (st.childForFieldName('operator')?.text === '&' && operand) add(operand.text, 'pointer');
      continue;
    }
    for (const l of named(st.childForFieldName('left') ?? st)) {
      if (l.type !== 'selector_expression') continue;
      const chain = chainOf(l);
      if (!chain) continue;
      add(chain[0]!, chain.length === 2 ? { field: chain[1]!, value: named(st.childForFieldName('right') ?? st)[0] ?? l } : 'nested');
    }
  }
  return index;
});

/**
 * Field writes after the declaration: `params.MaxTokens = openai.Int(300)`. Read in the whole scope
 * the variable is declared in, closures included: a package variable set up in `init()`, or params
 * a goroutine sends after the enclosing function filled them in. `&params` handed to a function, or a
 * nested write, may set any field.
 */
function fieldWrites(name: string, scope: Node): { fields: Map<string, Node>; opaque: boolean } {
  const fields = new Map<string, Node>();
  let opaque = false;
  for (const w of scopeFieldWrites(scope).get(name) ?? []) {
    if (typeof w === 'string') opaque = true;
    else fields.set(w.field, w.value);
  }
  return { fields, opaque };
}

function readParams(n: Node | undefined, depth = 0): Params | undefined {
  if (!n || depth > 4) return undefined;
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '&') return readParams(n.childForFieldName('operand') ?? undefined, depth + 1);
  if (n.type === 'parenthesized_expression') return readParams(named(n)[0], depth + 1);
  if (n.type === 'composite_literal') {
    const body = n.childForFieldName('body');
    const fields = new Map<string, Node>();
    for (const el of body ? named(body) : []) {
      if (el.type !== 'keyed_element') return { fields, opaque: true };
      const key = el.childForFieldName('key') ?? named(el)[0];
      const value = el.childForFieldName('value') ?? named(el)[1];
      if (key && value) fields.set(key.text, named(value)[0] ?? value);
    }
    return { fields, opaque: false, ...(body ? { literal: body } : {}) };
  }
  if (n.type === 'identifier') {
    const decl = declarationOf(n.text, n);
    if (!decl || decl.values.length === 0) return undefined;
    const read = decl.values.map((v) => (v.type === 'var_spec' ? { fields: new Map<string, Node>(), opaque: false } : readParams(v, depth + 1)));
    const writes = fieldWrites(n.text, decl.scope);
    // Params from somewhere unreadable (another package's helper) with a limit written here: that limit is seen.
    if (read.some((r) => !r)) return [...writes.fields.keys()].some((f) => LIMIT_FIELDS.has(f)) ? { fields: writes.fields, opaque: true } : undefined;
    const merged = merge(read as Params[]);
    for (const [k, v] of writes.fields) merged.fields.set(k, v);
    return { ...merged, opaque: merged.opaque || writes.opaque };
  }
  if (n.type === 'call_expression') return helperResult(n, depth);
  return undefined;
}

/** Params read from several places (each value a variable is given, each `return` of a helper): every field any of them sets. */
function merge(read: Params[]): Params {
  const fields = new Map<string, Node>();
  for (const r of read) for (const [k, v] of r.fields) fields.set(k, v);
  const only = read.length === 1 ? read[0]!.literal : undefined;
  return { fields, opaque: read.some((r) => r.opaque), ...(only ? { literal: only } : {}) };
}

/**
 * Params a function of this file returns (`buildParams(q)`): what each of its `return`s gives,
 * read in that function. A method, a function of another package or one with a return the analysis
 * cannot read leaves the params unknown.
 */
function helperResult(call: Node, depth: number): Params | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier') return undefined;
  let root: Node = call;
  while (root.parent) root = root.parent;
  const decl = root.namedChildren.find((d) => d?.type === 'function_declaration' && d.childForFieldName('name')?.text === fn.text);
  const body = decl?.childForFieldName('body');
  if (!decl || !body) return undefined;
  const returns = body.descendantsOfType('return_statement').filter((r): r is Node => r !== null && scopeOf(r).id === decl.id);
  if (returns.length === 0) return undefined;
  const read = returns.map((r) => {
    const list = named(r)[0];
    return readParams(list?.type === 'expression_list' ? named(list)[0] : list, depth + 1);
  });
  return read.some((r) => !r) ? undefined : merge(read as Params[]);
}

/** A limit's value: `300`, `openai.Int(300)`, `param.NewOpt[int64](300)`; undefined when not a literal. */
function intValue(n: Node | undefined): number | undefined {
  if (!n) return undefined;
  if (n.type === 'int_literal') return Number(n.text.replace(/_/g, ''));
  if (n.type === 'call_expression') {
    const args = n.childForFieldName('arguments');
    const first = args ? named(args) : [];
    return first.length === 1 ? intValue(first[0]) : undefined;
  }
  return undefined;
}

/** `"gpt-4o"`, `openai.ChatModel("gpt-4o")`, `openai.ChatModelGPT4o`, `anthropic.ModelClaudeSonnet4_0`. */
function modelValue(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  const s = stringValue(n);
  if (s !== undefined) return s;
  if (n.type === 'call_expression' || n.type === 'type_conversion_expression') {
    const args = n.childForFieldName('arguments') ?? n.childForFieldName('operand');
    const inner = args ? (args.type === 'argument_list' ? named(args)[0] : args) : undefined;
    return inner ? stringValue(inner) : undefined;
  }
  if (n.type === 'selector_expression') {
    const field = n.childForFieldName('field')?.text ?? '';
    const m = /^(ChatModel|ResponsesModel|Model)(.+)$/.exec(field);
    return m ? modelOfConstant(m[2]!) : undefined;
  }
  return undefined;
}

const ROLE_OF: Record<string, string> = { SystemMessage: 'system', DeveloperMessage: 'developer', UserMessage: 'user', AssistantMessage: 'assistant', NewUserMessage: 'user', NewAssistantMessage: 'assistant' };

/** Prompt text in the request: message helpers' string arguments, `System` / `Instructions` / `Input` strings. */
function collectPrompt(params: Params, call: DetectedCall): void {
  const add = (role: string, n: Node) => {
    const text = stringValue(n);
    if (text === undefined) call.placeholders++;
    else call.messages.push({ role, text, start: n.startIndex, end: n.endIndex });
  };
  const strings = (role: string, n: Node) => {
    const found = [n, ...n.descendantsOfType(['interpreted_string_literal', 'raw_string_literal'])].filter((s): s is Node => s !== null && stringValue(s) !== undefined);
    // A literal joined with something else (`"Summarise: " + text`, `fmt.Sprintf("…%s", text)`) is only part of the message.
    const partial = n.type === 'binary_expression' || n.descendantsOfType('binary_expression').length > 0 || /^fmt\.Sprint/.test(n.text);
    if (found.length === 0 || partial) call.placeholders++;
    // The outermost literal only (descendantsOfType also lists n itself when it is one).
    for (const s of found.filter((s, i) => i === 0 || !found[0]!.equals(s))) add(role, s);
  };
  const messages = params.fields.get('Messages');
  if (messages) {
    let seen = false;
    for (const c of [messages, ...messages.descendantsOfType('call_expression')]) {
      if (c?.type !== 'call_expression') continue;
      const role = ROLE_OF[chainOf(c.childForFieldName('function'))?.at(-1) ?? ''];
      if (!role) continue;
      seen = true;
      const args = c.childForFieldName('arguments');
      for (const a of args ? named(args) : []) strings(role, a);
    }
    if (!seen) call.placeholders++;
  }
  for (const [field, role] of [
    ['System', 'system'],
    ['Instructions', 'system'],
    ['Input', 'user'],
  ] as const) {
    const v = params.fields.get(field);
    if (v) strings(role, v);
  }
}

/** Where an openai-go client sends requests: `openai.NewClient(option.WithBaseURL("…"))`. */
function clientTarget(receiver: Node | null, imports: Map<string, string>): ClientTarget | undefined {
  let n = receiver;
  for (let depth = 0; n && depth < 6; depth++) {
    if (n.type === 'selector_expression') n = n.childForFieldName('operand');
    else if (n.type === 'identifier') {
      const values = valuesOf(n.text, n);
      n = values?.length === 1 ? values[0]! : null;
    } else if (n.type === 'unary_expression') n = n.childForFieldName('operand');
    else if (n.type === 'call_expression') {
      const chain = chainOf(n.childForFieldName('function'));
      if (chain?.at(-1) !== 'NewClient' || !OPENAI_MODULE.test(imports.get(chain[0]!) ?? '')) return undefined;
      const args = n.childForFieldName('arguments');
      for (const a of args ? named(args) : []) {
        const opt = a.type === 'call_expression' ? chainOf(a.childForFieldName('function'))?.at(-1) : undefined;
        if (opt === 'WithAzureEndpoint') return { kind: 'azure' };
        if (opt !== 'WithBaseURL') continue;
        const url = stringValue(named(a.childForFieldName('arguments')!)[0]);
        return url === undefined ? undefined : targetOfUrl(url);
      }
      // Options built elsewhere (a slice spread into NewClient) may set the URL.
      return args?.text.includes('...') ? undefined : { kind: 'openai' };
    } else return undefined;
  }
  return undefined;
}

/** Text to add a field to a struct literal, on a line of its own when the literal spans lines. */
function insertField(source: string, literal: Node, field: string): { offset: number; newText: string } {
  const elements = named(literal);
  const last = elements.at(-1);
  if (!last) return { offset: literal.startIndex + 1, newText: field };
  let after = last.endIndex;
  const comma = source.slice(after).match(/^\s*,/);
  if (comma) after += comma[0].length;
  const closeLine = source.lastIndexOf('\n', literal.endIndex - 1) > last.endIndex;
  if (closeLine) {
    const lineStart = source.lastIndexOf('\n', last.startIndex - 1) + 1;
    const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
    return { offset: after, newText: `${comma ? '' : ','}\n${indent}${field},` };
  }
  return { offset: after, newText: comma ? ` ${field}` : `, ${field}` };
}

function classify(chain: readonly string[], imports: Map<string, string>): CallApi | undefined {
  const [method, service, parent] = [chain.at(-1), chain.at(-2), chain.at(-3)];
  if (!method || !SEND.has(method)) return undefined;
  const modules = [...imports.values()];
  const openai = modules.some((m) => OPENAI_MODULE.test(m));
  if (service === 'Completions' && parent === 'Chat' && openai) return 'openai-chat';
  if (service === 'Responses' && openai) return 'openai-responses';
  // `Messages` is also other APIs' (Twilio's conversations); Anthropic's only where its SDK is imported.
  if (service === 'Messages' && modules.some((m) => ANTHROPIC_MODULE.test(m))) return 'anthropic-messages';
  return undefined;
}

function inspect(source: string, node: Node, chain: string[], api: CallApi, imports: Map<string, string>): DetectedCall {
  const fn = node.childForFieldName('function')!;
  const call: DetectedCall = { api, callee: calleeText(chain), start: fn.startIndex, end: fn.endIndex, limit: 'unknown', messages: [], placeholders: 0 };
  const args = node.childForFieldName('arguments');
  const argv = args ? named(args) : [];
  const params = readParams(argv[1]);
  if (!params) {
    call.argumentsHidden = true;
    call.placeholders = 1;
    return call;
  }
  const modelNode = params.fields.get('Model');
  const model = modelValue(modelNode);
  if (model) call.model = model;
  collectPrompt(params, call);
  // The provider prices the lens of every call, limited or not (a Groq client's call is Groq's).
  const target = api.startsWith('openai-') ? clientTarget(fn.childForFieldName('operand'), imports) : undefined;
  if (target?.provider) call.provider = target.provider;
  const limitField = [...LIMIT_FIELDS].find((f) => params.fields.has(f));
  if (limitField) {
    call.limit = 'present';
    const v = intValue(params.fields.get(limitField));
    if (v !== undefined) call.outputLimit = v;
    return call;
  }
  call.limit = params.opaque ? 'unknown' : 'missing';
  if (call.limit === 'unknown') return call;
  const facts = { max: call.model ? maxOutputTokens(call.model) : undefined, reasons: call.model ? reasonsByDefault(call.model) : false };
  const key = limitKeyForModel(api, 'python', call.model, call.model ? modelProvider(call.model) : undefined, target && api === 'openai-chat' ? { kind: target.kind, reasons: facts.reasons } : undefined);
  const limit = suggestedLimit('none', facts);
  if (limit === undefined) return call;
  call.suggested = limit;
  // openai-go's optional fields take `openai.Int(n)`; anthropic-sdk-go's MaxTokens is a plain int64.
  const openaiPkg = [...imports].find(([, path]) => OPENAI_MODULE.test(path))?.[0];
  const value = api === 'anthropic-messages' ? `${limit}` : openaiPkg ? `${openaiPkg}.Int(${limit})` : undefined;
  if (!params.literal || value === undefined) return call;
  const field = `${goField(key)}: ${value}`;
  call.insertion = { ...insertField(source, params.literal, field), title: `Add ${field}`, limit };
  return call;
}

export async function findGoCalls(text: string, wasmDir?: string): Promise<DetectedCall[]> {
  const parser = await grammarParser('go', wasmDir);
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    const imports = importsOf(tree.rootNode);
    const out: DetectedCall[] = [];
    for (const node of tree.rootNode.descendantsOfType('call_expression')) {
      if (!node) continue;
      const chain = chainOf(node.childForFieldName('function'));
      const api = chain ? classify(chain, imports) : undefined;
      if (chain && api) out.push(inspect(text, node, chain, api, imports));
    }
    return out;
  } finally {
    tree.delete();
  }
}
