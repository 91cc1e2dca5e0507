/**
 * Finds LLM calls in Python with tree-sitter (web-tree-sitter + the tree-sitter-python wasm grammar)
 * and reads keyword arguments: output limit, model and literal prompt text. `**kwargs` and
 * positional dicts we cannot see make the limit unknown, never "missing".
 */
import type { Node, Parser } from 'web-tree-sitter';
import {
  settleFrameworkCall,
  belongsToSdk,
  calleeText,
  classifyCallee,
  targetOfUrl,
  type ClientTarget,
  FRAMEWORK_NAMES,
  frameworkCallOf,
  fileHintsOf,
  legacyCompletions,
  litellmAnthropicDefault,
  limitKeyForModel,
  classLimitKey,
  sdkProvider,
  LOCAL_ORIGIN,
  OUTPUT_LIMIT_KEYS,
  sdkModule,
  suggestedLimit,
  type CallApi,
  type DetectedCall,
  type FileHints,
  type FrameworkCall,
  type ThinkingBudget,
} from './llm-call';
import { bedrockBodyLimit, settleBedrockLimit } from './bedrock-invoke';
import { allBefore, parseVersion, pinnedCeiling } from './python-pins';
import { normaliseModelName } from '../prompt/model-names';
import { maxOutputTokens, modelProvider, reasonsByDefault } from '../cost/max-output';
import { pythonCleandoc, pythonDedent, pythonEscape, stripText } from './text-transforms';
import { resolveWasmFiles } from './wasm-dir';
import { treeSitterRuntime } from './grammars';

let parserPromise: Promise<Parser> | undefined;
let parserDir: string | undefined;

/** One parser per process (loading the grammar costs more than parsing a file). */
export function pythonParser(wasmDir?: string): Promise<Parser> {
  if (parserPromise && parserDir === (wasmDir ?? '')) return parserPromise;
  parserDir = wasmDir ?? '';
  parserPromise = (async () => {
    const files = resolveWasmFiles(wasmDir);
    if (!files) throw new Error('tree-sitter wasm files not found (set analysis wasmDir)');
    const { Language, Parser } = await treeSitterRuntime(files.runtime);
    const language = await Language.load(files.python);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  parserPromise.catch(() => {
    parserPromise = undefined;
  });
  return parserPromise;
}

function chainOf(node: Node | null): string[] | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return [node.text];
  if (node.type === 'attribute') {
    const obj = chainOf(node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute');
    return attr ? [...(obj ?? ['?']), attr.text] : undefined;
  }
  if (node.type === 'call') return [...(chainOf(node.childForFieldName('function')) ?? ['?']), '()'];
  if (node.type === 'await' || node.type === 'parenthesized_expression') return chainOf(node.namedChildren[0] ?? null);
  return undefined;
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function stringValue(node: Node | null | undefined): { text: string; placeholders: number } | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') {
    const parts = named(node).map(stringValue);
    if (parts.some((p) => !p)) return undefined;
    return { text: parts.map((p) => p!.text).join(''), placeholders: parts.reduce((n, p) => n + p!.placeholders, 0) };
  }
  if (node.type !== 'string') return undefined;
  let text = '';
  let placeholders = 0;
  // r"…" keeps backslashes as written; other strings send the character an escape stands for.
  const raw = /r/i.test(node.child(0)?.type === 'string_start' ? node.child(0)!.text : '');
  for (const c of named(node)) {
    if (c.type === 'string_content') text += decodeEscapes(c, raw);
    else if (c.type === 'escape_sequence') text += raw ? c.text : pythonEscape(c.text);
    else if (c.type === 'interpolation') placeholders++;
  }
  return { text, placeholders };
}

/**
 * A string's content with its escape sequences (children of the content node) decoded; an f-string's
 * `{{` / `}}` is one literal brace even in a raw f-string (read as written, a JSON example became a variable).
 */
function decodeEscapes(content: Node, raw: boolean): string {
  let out = '';
  let at = content.startIndex;
  const base = content.startIndex;
  for (const e of named(content)) {
    if (e.type !== 'escape_interpolation' && (raw || e.type !== 'escape_sequence')) continue;
    out += content.text.slice(at - base, e.startIndex - base) + (e.type === 'escape_interpolation' ? e.text[0] : pythonEscape(e.text));
    at = e.endIndex;
  }
  return out + content.text.slice(at - base);
}

/**
 * Resolved keyword arguments: what the call (or dict) ends up passing, following `**params` to the
 * dict it was built in, and where to add a missing key.
 */
interface KwArgs {
  keywords: Map<string, Node>;
  /** A `**splat`, dict comprehension or mutation the analysis cannot read. */
  opaque: boolean;
  argList: Node;
  /** Where the code builds the arguments: a dict literal (insert `"key": v`) or an argument list (`key=v`). */
  target: Node;
  targetIsDict: boolean;
  /**
   * false when the dict is one of several a variable is assigned (in branches): the keywords are the
   * union of all of them, and no single literal is the place to insert one.
   */
  fixable?: false;
}

const MAX_DEPTH = 6;

function enclosingScope(n: Node): Node {
  let p = n.parent;
  while (p && p.type !== 'function_definition' && p.type !== 'module' && p.type !== 'lambda') p = p.parent;
  return p ?? n;
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Same-file bindings of a Python file: assignments, parameters, key writes, builder functions. */
class PyBindings {
  private readonly assigns = new Map<string, Array<{ value: Node; scope: Node }>>();
  private readonly params = new Map<string, Node[]>();
  private readonly keyWrites = new Map<string, Array<string | undefined>>();
  private readonly functions = new Map<string, Node[]>();
  /** `self.client = …` values, per attribute. */
  private readonly selfWrites = new Map<string, Node[]>();
  /** Imported names: `import x` / `import a.b as x` bind a module; `from m import X` binds a name from m. */
  private readonly imports = new Map<string, { module: string; kind: 'module' | 'name'; name?: string }>();
  readonly modules = new Set<string>();
  readonly calls: Node[] = [];

  constructor(root: Node) {
    for (const st of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
      if (!st) continue;
      const from = st.type === 'import_from_statement' ? st.childForFieldName('module_name')?.text : undefined;
      if (from) this.modules.add(from);
      for (const n of st.childrenForFieldName('name')) {
        if (!n) continue;
        const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
        const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined;
        if (!dotted) continue;
        if (from !== undefined) this.imports.set(alias ?? dotted.text, { module: from, kind: 'name', name: dotted.text });
        else {
          this.modules.add(dotted.text);
          // `import a.b` binds `a`; `import a.b as x` binds x to a.b.
          this.imports.set(alias ?? dotted.text.split('.')[0]!, { module: alias ? dotted.text : dotted.text.split('.')[0]!, kind: 'module' });
        }
      }
    }
    for (const a of root.descendantsOfType(['assignment', 'augmented_assignment'])) {
      if (!a) continue;
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (!left) continue;
      if (left.type === 'identifier') {
        const list = this.assigns.get(left.text) ?? [];
        // `x += …` or a bare annotation both count as another write.
        list.push({ value: a.type === 'assignment' && right ? right : a, scope: enclosingScope(a) });
        this.assigns.set(left.text, list);
      } else if (left.type === 'subscript') {
        const obj = left.childForFieldName('value');
        const sub = left.childForFieldName('subscript');
        if (obj?.type === 'identifier') this.push(this.keyWrites, obj.text, stringValue(sub)?.text);
        else this.nestedWrite(obj);
      } else if (left.type === 'attribute') {
        const obj = left.childForFieldName('object');
        if (obj?.type === 'identifier') this.push(this.keyWrites, obj.text, left.childForFieldName('attribute')?.text);
        else this.nestedWrite(obj);
        const attr = left.childForFieldName('attribute')?.text;
        if (obj?.text === 'self' && attr && right) this.push(this.selfWrites, attr, right);
      }
    }
    for (const f of root.descendantsOfType(['function_definition', 'class_definition'])) {
      if (!f) continue;
      const name = f.childForFieldName('name');
      if (name) this.push(this.functions, name.text, f);
      const ps = f.childForFieldName('parameters');
      for (const p of ps ? named(ps) : []) {
        const id = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? named(p).find((c) => c.type === 'identifier'));
        if (id) this.push(this.params, id.text, f);
      }
    }
    for (const c of root.descendantsOfType('call')) {
      if (!c) continue;
      this.calls.push(c);
      // params.update(...), params.setdefault(...) change the dict in ways we do not follow.
      const fn = c.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const obj = fn.childForFieldName('object');
        const attr = fn.childForFieldName('attribute')?.text;
        if (obj?.type === 'identifier' && (attr === 'update' || attr === 'setdefault' || attr === 'pop')) this.push(this.keyWrites, obj.text, undefined);
      }
    }
  }

  private push<T>(m: Map<string, T[]>, k: string, v: T): void {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  }

  /**
   * `body["inferenceConfig"]["maxTokens"] = 300`, `req.config.max_tokens = 5`: a nested dict or
   * object changed in a way the analysis does not follow, so what the root variable sends is not
   * known (`self.…` roots are attributes, not variables).
   */
  private nestedWrite(obj: Node | null): void {
    let n = obj;
    for (let depth = 0; n && (n.type === 'subscript' || n.type === 'attribute') && depth < 16; depth++)
      n = n.type === 'subscript' ? n.childForFieldName('value') : n.childForFieldName('object');
    if (n?.type === 'identifier' && n.text !== 'self') this.push(this.keyWrites, n.text, undefined);
  }

  /** The single value `name` is bound to where `at` is, or undefined (parameter, import, several writes). */
  valueOf(name: string, at: Node): Node | undefined {
    const values = this.valuesOf(name, at);
    return values?.length === 1 ? values[0] : undefined;
  }

  /**
   * Every value `name` is assigned in the scope Python reads it from at `at` (one, or several in
   * branches), or undefined when a write is not a plain `=` or a parameter binds the name.
   */
  valuesOf(name: string, at: Node): Node[] | undefined {
    const candidates = (this.assigns.get(name) ?? []).filter((a) => contains(a.scope, at));
    if (candidates.length === 0) return undefined;
    // The innermost scope that binds the name is the one Python reads.
    const inner = candidates.reduce((b, a) => (a.scope.startIndex > b.scope.startIndex ? a : b));
    const same = candidates.filter((a) => a.scope.equals(inner.scope));
    if (same.some((a) => a.value.type === 'augmented_assignment')) return undefined;
    // A parameter of an enclosing function with the same name shadows a module-level binding.
    for (const f of this.params.get(name) ?? []) if (contains(f, at) && f.startIndex > inner.scope.startIndex - 1 && !f.equals(inner.scope)) return undefined;
    if ((this.params.get(name) ?? []).some((f) => f.equals(inner.scope))) return undefined;
    return same.map((a) => a.value);
  }

  /**
   * Packages an expression's value was imported or constructed from: `Client(sid, token)` with
   * `from twilio.rest import Client` → twilio.rest; `cohere.ClientV2()` → cohere; `ollama` (the
   * module) → ollama; `self.client` → what `self.client` is assigned. A name imported from a module
   * and used as it is (`from app.llm import client`) says nothing about the client: empty.
   */
  modulesOf(node: Node | null | undefined, called = false, depth = 0): Set<string> {
    const out = new Set<string>();
    if (!node || depth > MAX_DEPTH) return out;
    const add = (s: Set<string>) => {
      for (const m of s) out.add(m);
    };
    switch (node.type) {
      case 'identifier': {
        const values = this.valuesOf(node.text, node);
        if (values) for (const v of values) add(this.modulesOf(v, called, depth + 1));
        else {
          const imp = this.imports.get(node.text);
          if (imp && (imp.kind === 'module' || called)) out.add(imp.module);
        }
        break;
      }
      case 'attribute': {
        const obj = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute')?.text;
        if (obj?.text === 'self' && attr) for (const v of this.selfWrites.get(attr) ?? []) add(this.modulesOf(v, called, depth + 1));
        else add(this.modulesOf(obj, false, depth + 1));
        break;
      }
      case 'call': {
        add(this.modulesOf(node.childForFieldName('function'), true, depth + 1));
        // A wrapper around an SDK client (`instructor.from_anthropic(Anthropic())`) is still that SDK's.
        const args = node.childForFieldName('arguments');
        for (const a of args ? named(args) : []) {
          const v = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
          for (const m of this.modulesOf(v, false, depth + 1)) if (sdkModule(m)) out.add(m);
        }
        break;
      }
      case 'await':
      case 'parenthesized_expression':
        add(this.modulesOf(named(node)[0], called, depth + 1));
        break;
    }
    return out;
  }

  /**
   * The one value `self.<attr>` read at `at` can have: its assignments in the file (in `__init__` or
   * elsewhere) and a class attribute of the enclosing class (`MODEL = "gpt-4o"` in the class body),
   * if there is exactly one of them.
   */
  selfValue(attr: string, at: Node): Node | undefined {
    let cls = at.parent;
    while (cls && cls.type !== 'class_definition') cls = cls.parent;
    // Another class's `self.model` is another object's attribute.
    const values = (this.selfWrites.get(attr) ?? []).filter((v) => !cls || contains(cls, v));
    const body = cls?.childForFieldName('body');
    for (const st of body ? named(body) : []) {
      const a = st.type === 'expression_statement' ? named(st)[0] : undefined;
      const right = a?.type === 'assignment' && a.childForFieldName('left')?.text === attr ? a.childForFieldName('right') : null;
      if (right) values.push(right);
    }
    return values.length === 1 ? values[0] : undefined;
  }

  /** A dotted name with its first part as imported, through `as`: `LIOpenAI` → llama_index.llms.openai.OpenAI. */
  dottedPath(chain: readonly string[]): string[] {
    const imp = this.imports.get(chain[0]!);
    return imp ? [...imp.module.split('.'), ...(imp.name ? [imp.name] : []), ...chain.slice(1)] : [...chain];
  }

  /** A function or class defined in this file (and not imported). */
  definesFunction(name: string): boolean {
    return this.functions.has(name) && !this.imports.has(name);
  }

  writesTo(name: string): Array<string | undefined> {
    return this.keyWrites.get(name) ?? [];
  }

  /** The expression a same-file function returns, when it has exactly one `return`. */
  returned(name: string): Node | undefined {
    const fns = this.functions.get(name) ?? [];
    if (fns.length !== 1) return undefined;
    const body = fns[0]!.childForFieldName('body');
    if (!body) return undefined;
    const returns = body.descendantsOfType('return_statement').filter((r): r is Node => !!r && enclosingScope(r).equals(fns[0]!));
    if (returns.length !== 1) return undefined;
    return named(returns[0]!)[0];
  }

  /** Keys of a dict/kwargs expression through bindings; undefined = cannot see. */
  resolve(node: Node, depth = 0): KwArgs | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (node.type === 'parenthesized_expression') return named(node)[0] ? this.resolve(named(node)[0]!, depth + 1) : undefined;
    if (node.type === 'dictionary') {
      const keywords = new Map<string, Node>();
      let opaque = false;
      for (const p of named(node)) {
        if (p.type === 'pair') {
          const k = stringValue(p.childForFieldName('key'));
          const v = p.childForFieldName('value');
          if (k && v) keywords.set(k.text, v);
          else opaque = true;
        } else if (p.type === 'dictionary_splat') {
          const inner = named(p)[0] ? this.resolve(named(p)[0]!, depth + 1) : undefined;
          if (!inner) opaque = true;
          else {
            for (const [k, v] of inner.keywords) keywords.set(k, v);
            opaque ||= inner.opaque;
          }
        } else opaque = true;
      }
      return { keywords, opaque, argList: node, target: node, targetIsDict: true };
    }
    if (node.type === 'identifier') {
      const r = this.resolveBranches(this.valuesOf(node.text, node) ?? [], depth + 1);
      if (!r) return undefined;
      for (const k of this.writesTo(node.text)) {
        if (k === undefined) r.opaque = true;
        else r.keywords.set(k, node);
      }
      return r;
    }
    if (node.type === 'call') {
      const fn = node.childForFieldName('function');
      const argList = node.childForFieldName('arguments');
      if (!fn || !argList || argList.type !== 'argument_list') return undefined;
      const chain = chainOf(fn);
      const last = chain?.[chain.length - 1];
      // dict(...), GenerateContentConfig(...), GenerationConfig(...), ModelSettings(...), HttpOptions(...): keyword arguments are the keys.
      if (last && (last === 'dict' || /Config$|Settings$|^HttpOptions$/.test(last))) return this.readArgs(argList, depth + 1);
      if (fn.type === 'identifier') {
        const ret = this.returned(fn.text);
        return ret ? this.resolve(ret, depth + 1) : undefined;
      }
    }
    return undefined;
  }

  /**
   * A variable assigned dicts in branches (`if stream: p = {…}` / `else: p = {…}`): at a later use it
   * holds one of them, so the answer is their union — a limit in any one counts as set, and any value
   * the analysis cannot read makes the whole answer unknown (as for a TypeScript `let`).
   */
  private resolveBranches(values: Node[], depth: number): KwArgs | undefined {
    if (values.length === 0) return undefined;
    const all = values.map((v) => this.resolve(v, depth));
    if (all.some((r) => !r)) return undefined;
    if (all.length === 1) return all[0];
    const [first] = all as KwArgs[];
    const merged: KwArgs = { ...first!, keywords: new Map(first!.keywords), fixable: false };
    for (const r of all.slice(1) as KwArgs[]) {
      for (const [k, v] of r.keywords) if (!merged.keywords.has(k)) merged.keywords.set(k, v);
      merged.opaque ||= r.opaque;
    }
    return merged;
  }

  readArgs(argList: Node, depth = 0): KwArgs {
    const keywords = new Map<string, Node>();
    let opaque = false;
    let target: Node = argList;
    let targetIsDict = false;
    let fixable: false | undefined;
    for (const a of named(argList)) {
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name');
        const value = a.childForFieldName('value');
        if (name && value) keywords.set(name.text, value);
      } else if (a.type === 'dictionary_splat') {
        const inner = named(a)[0] ? this.resolve(named(a)[0]!, depth + 1) : undefined;
        if (!inner) opaque = true;
        else {
          for (const [k, v] of inner.keywords) if (!keywords.has(k)) keywords.set(k, v);
          opaque ||= inner.opaque;
          // The arguments are built in that dict: a fix belongs there.
          target = inner.target;
          targetIsDict = inner.targetIsDict;
          fixable ??= inner.fixable;
        }
      } else if (a.type === 'list_splat') opaque = true;
    }
    return { keywords, opaque, argList, target, targetIsDict, ...(fixable === false ? { fixable } : {}) };
  }
}

/**
 * LangChain's `init_chat_model(…, configurable_fields="any")` (or a list naming the limit) lets each
 * request's `config={"configurable": {"max_tokens": …}}` set it: whether one is sent is not known here.
 */
function configurableLimit(fields: Node | undefined): boolean {
  if (!fields || fields.type === 'none') return false;
  if (fields.type !== 'tuple' && fields.type !== 'list') return true;
  return named(fields).some((f) => {
    const name = stringValue(f);
    return !name || name.placeholders > 0 || OUTPUT_LIMIT_KEYS.has(name.text);
  });
}

/** APIs whose SDK merges an `extra_body` dict into the JSON it sends (Stainless-generated OpenAI SDK, langchain-openai). */
const EXTRA_BODY_APIS: ReadonlySet<CallApi> = new Set<CallApi>(['openai-chat', 'openai-responses', 'openai-completions', 'langchain-openai']);

// Dicts an SDK merges into the request: the OpenAI SDK's `extra_body` (passed on by Pydantic AI and the Agents SDK too), the Agents
// SDK's `extra_args` (create's keywords), google-genai's `http_options.extra_body` (the REST body: its `generationConfig`).
const MERGED_KEYS = ['extra_body', 'extra_args', 'http_options', 'generationConfig', 'generation_config'];

/** The limit a dict sends, also through the dicts merged into the request from inside it. */
function mergedLimit(d: KwArgs, b: PyBindings, opaque = d.opaque, depth = 0): Pick<DetectedCall, 'limit' | 'outputLimit'> {
  const { noneLimit: _, ...own } = limitFrom(d.keywords, opaque, d.fixable);
  let out: Pick<DetectedCall, 'limit' | 'outputLimit'> = own;
  for (const k of MERGED_KEYS) {
    const inner = out.limit === 'missing' && depth < 4 ? d.keywords.get(k) : undefined;
    const r = inner && b.resolve(inner);
    if (inner) out = r ? mergedLimit(r, b, r.opaque, depth + 1) : { limit: 'unknown' };
  }
  return out;
}

/**
 * The Stainless-generated SDKs (openai, anthropic) drop a keyword given their "not given" sentinel
 * from the request — `NOT_GIVEN`, `not_given`, `NotGiven()`, and since openai 1.100 `omit`, `Omit()`;
 * Speakeasy SDKs (mistralai) use `UNSET`. Written as a limit, each means no limit is sent.
 */
const NOT_GIVEN_NAMES = new Set(['NOT_GIVEN', 'not_given', 'omit', 'UNSET']);
const NOT_GIVEN_CLASSES = new Set(['NotGiven', 'Omit', 'Unset']);

/** `None` or an SDK's "not given" sentinel (`NOT_GIVEN`, `openai.omit`, `NotGiven()`): the key sends nothing. */
function sendsNoValue(v: Node): boolean {
  if (v.type === 'none') return true;
  const chain = chainOf(v);
  if (!chain) return false;
  if (chain[chain.length - 1] === '()') return named(v.childForFieldName('arguments') ?? v).length === 0 && NOT_GIVEN_CLASSES.has(chain[chain.length - 2] ?? '');
  return NOT_GIVEN_NAMES.has(chain[chain.length - 1]!);
}

const sendsNoValueAt = (v: Node | undefined): boolean => v !== undefined && sendsNoValue(v);

/** `extraKeys`: a framework's own spellings of the limit (FrameworkCall.keys). */
function limitFrom(entries: Map<string, Node>, opaque: boolean, fixable?: false, extraKeys?: readonly string[]): Pick<DetectedCall, 'limit' | 'outputLimit'> & { noneLimit?: true } {
  let noneLimit = false;
  for (const [k, v] of entries) {
    if (!OUTPUT_LIMIT_KEYS.has(k) && !extraKeys?.includes(k)) continue;
    // `max_tokens=None` (or `NOT_GIVEN`) is the SDK's "not given": no limit is sent.
    if (sendsNoValue(v)) {
      noneLimit = true;
      continue;
    }
    // Dicts assigned in branches may set different limits: which one applies is not known.
    return v.type === 'integer' && fixable !== false ? { limit: 'present', outputLimit: Number(v.text) } : { limit: 'present' };
  }
  return { limit: opaque ? 'unknown' : 'missing', ...(noneLimit ? { noneLimit: true as const } : {}) };
}

/** Text to append an argument/entry after the last one, single- or multi-line like its neighbours. */
function appendAfterLast(container: Node, source: string, entry: string): { offset: number; newText: string } {
  const items = named(container);
  const last = items[items.length - 1];
  if (!last) return { offset: container.startIndex + 1, newText: entry };
  const multiLine = source.slice(container.startIndex, last.startIndex).includes('\n');
  if (!multiLine) return { offset: last.endIndex, newText: `, ${entry}` };
  const lineStart = source.lastIndexOf('\n', last.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
  // A CRLF file gets a CRLF line, not one LF line among them.
  const eol = source[lineStart - 2] === '\r' ? '\r\n' : '\n';
  return { offset: last.endIndex, newText: `,${eol}${indent}${entry}` };
}

type PyText = { text: string; placeholders: number; node: Node };

const STRIP: Record<string, 'both' | 'start' | 'end'> = { strip: 'both', lstrip: 'start', rstrip: 'end' };

/**
 * The text a prompt expression sends: a literal, a same-file constant, `"…".strip()`,
 * `textwrap.dedent("…")`, `inspect.cleandoc("…")`, `"\n".join([...])`, `a + b` (an operand it cannot
 * read is a placeholder). `node` is where the text is written.
 */
function pyText(node: Node | null | undefined, b: PyBindings, depth = 0): PyText | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  const direct = stringValue(node);
  if (direct) return { ...direct, node };
  const map = (inner: PyText | undefined, f: (t: string) => string): PyText | undefined => (inner ? { ...inner, text: f(inner.text), node } : undefined);
  switch (node.type) {
    case 'parenthesized_expression':
      return pyText(named(node)[0], b, depth + 1);
    case 'identifier': {
      const v = b.valueOf(node.text, node);
      return v ? pyText(v, b, depth + 1) : undefined;
    }
    case 'attribute': {
      // `self.model` / `self.system_prompt`, assigned once (typically in __init__).
      const attr = node.childForFieldName('attribute')?.text;
      const v = node.childForFieldName('object')?.text === 'self' && attr ? b.selfValue(attr, node) : undefined;
      return v && v.parent?.type === 'assignment' ? pyText(v, b, depth + 1) : undefined;
    }
    case 'subscript': {
      // `CONFIG["model"]` of a same-file dict.
      const key = stringValue(node.childForFieldName('subscript'));
      const obj = node.childForFieldName('value');
      const d = key && !key.placeholders && obj ? b.resolve(obj) : undefined;
      const v = d && d.fixable !== false ? d.keywords.get(key!.text) : undefined;
      return v && !v.equals(obj!) ? pyText(v, b, depth + 1) : undefined;
    }
    case 'binary_operator': {
      if (node.childForFieldName('operator')?.text !== '+') return undefined;
      const l = pyText(node.childForFieldName('left'), b, depth + 1);
      const r = pyText(node.childForFieldName('right'), b, depth + 1);
      if (!l && !r) return undefined;
      return { text: (l?.text ?? '') + (r?.text ?? ''), placeholders: (l?.placeholders ?? 1) + (r?.placeholders ?? 1), node };
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const argList = node.childForFieldName('arguments');
      const args = argList ? named(argList) : [];
      if (fn?.type === 'attribute') {
        const attr = fn.childForFieldName('attribute')?.text ?? '';
        const obj = fn.childForFieldName('object');
        if (STRIP[attr] && args.length === 0) return map(pyText(obj, b, depth + 1), (t) => stripText(t, STRIP[attr]!));
        if (attr === 'join' && args.length === 1) {
          const sep = stringValue(obj);
          let list: Node | undefined = args[0];
          if (list?.type === 'identifier' && b.writesTo(list.text).length === 0) list = b.valueOf(list.text, list);
          if (!sep || sep.placeholders || !list || (list.type !== 'list' && list.type !== 'tuple')) return undefined;
          const parts = named(list).map((el) => pyText(el, b, depth + 1));
          if (parts.some((p) => !p)) return undefined;
          return { text: parts.map((p) => p!.text).join(sep.text), placeholders: parts.reduce((n, p) => n + p!.placeholders, 0), node };
        }
      }
      const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.type === 'identifier' ? fn.text : undefined;
      if (args.length === 1 && name === 'dedent') return map(pyText(args[0], b, depth + 1), pythonDedent);
      if (args.length === 1 && name === 'cleandoc') return map(pyText(args[0], b, depth + 1), pythonCleandoc);
      return undefined;
    }
  }
  return undefined;
}

const ENV_GETTERS = new Set(['os.getenv', 'getenv', 'os.environ.get', 'environ.get']);

/**
 * The model a call names: like pyText, and where the code reads it from the environment with a
 * fallback (`os.getenv("OPENAI_MODEL", "gpt-4o-mini")`, directly or through a variable or
 * `self.model`), the fallback — what is sent unless the deployment overrides it.
 */
function modelText(node: Node | null | undefined, b: PyBindings, depth = 0): PyText | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  if (node.type === 'identifier' || (node.type === 'attribute' && node.childForFieldName('object')?.text === 'self')) {
    const attr = node.childForFieldName('attribute')?.text;
    const v = node.type === 'identifier' ? b.valueOf(node.text, node) : attr ? b.selfValue(attr, node) : undefined;
    if (v?.type === 'call') return modelText(v, b, depth + 1);
  }
  if (node.type === 'call' && ENV_GETTERS.has(chainOf(node.childForFieldName('function'))?.join('.') ?? '')) {
    const args = named(node.childForFieldName('arguments') ?? node);
    const second = args.length === 2 ? args[1] : undefined;
    const fallback = second?.type === 'keyword_argument' ? (second.childForFieldName('name')?.text === 'default' ? second.childForFieldName('value') : undefined) : second;
    return pyText(fallback, b, depth + 1);
  }
  return pyText(node, b, depth);
}

/**
 * A framework's model object (`OpenAIChatModel("gpt-4o")`, directly or through a same-file
 * variable): `provider:model`, the provider from the class, the model from its first argument or
 * `nameKey`. Undefined for anything else (a model built elsewhere stays unknown).
 */
function modelObjectText(node: Node | null | undefined, objects: NonNullable<FrameworkCall['modelObjects']>, b: PyBindings): PyText | undefined {
  const value = node?.type === 'identifier' ? b.valueOf(node.text, node) : node;
  if (value?.type !== 'call') return undefined;
  const fn = value.childForFieldName('function');
  const chain = chainOf(fn);
  const provider = objects.classes[chain?.[chain.length - 1] ?? ''];
  if (!fn || !provider || ![...calleeModules(fn, b)].some((m) => objects.module.test(m))) return undefined;
  const args = named(value.childForFieldName('arguments') ?? value);
  const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === objects.nameKey)?.childForFieldName('value');
  const first = args[0]?.type === 'keyword_argument' || args[0]?.type === 'dictionary_splat' || args[0]?.type === 'list_splat' ? undefined : args[0];
  const name = modelText(keyword ?? first, b);
  return name && { ...name, text: `${provider}:${name.text}` };
}

function collectPrompt(kw: Map<string, Node>, call: DetectedCall, b: PyBindings): void {
  const add = (role: string, node: Node | undefined) => {
    if (!node) return;
    const s = pyText(node, b);
    if (s) {
      call.messages.push({ role, text: s.text, start: s.node.startIndex, end: s.node.endIndex });
      call.placeholders += s.placeholders;
    } else call.placeholders += 1;
  };
  const listOf = (node: Node | undefined): Node | undefined => {
    if (node?.type === 'identifier' && b.writesTo(node.text).length === 0) {
      const v = b.valueOf(node.text, node);
      if (v?.type === 'list') return v;
    }
    return node?.type === 'list' ? node : undefined;
  };
  // A string, or content blocks: `[{"type": "text", "text": SYSTEM, "cache_control": {…}}]`, Gemini parts.
  const addContent = (role: string, node: Node | undefined) => {
    const list = listOf(node);
    if (!list) return add(role, node);
    for (const part of named(list)) {
      const d = part.type === 'dictionary' || part.type === 'identifier' || part.type === 'call' ? b.resolve(part) : undefined;
      // Image and document blocks carry no text to count.
      if (d) add(role, d.keywords.get('text'));
      else add(role, part);
    }
  };
  addContent('system', kw.get('system') ?? kw.get('instructions') ?? kw.get('preamble'));
  if (kw.has('prompt')) add('user', kw.get('prompt'));
  if (kw.has('message')) add('user', kw.get('message'));
  const given = kw.get('messages') ?? kw.get('input') ?? kw.get('contents');
  if (!given) return;
  const list = listOf(given);
  if (!list) {
    add('user', given);
    return;
  }
  for (const el of named(list)) {
    const d = el.type === 'dictionary' || el.type === 'identifier' || el.type === 'call' ? b.resolve(el) : undefined;
    if (!d) {
      // A plain string in Gemini `contents=[…]`.
      if (pyText(el, b)) add('user', el);
      else call.placeholders += 1;
      continue;
    }
    const role = stringValue(d.keywords.get('role'))?.text ?? 'user';
    const content = d.keywords.get('content') ?? d.keywords.get('parts');
    if (content) addContent(role, content);
    else if (d.keywords.has('text')) add(role, d.keywords.get('text'));
  }
}

/** FileHints from the modules the file's import statements name (`import a.b, c`, `from a.b import x`). */
function fileHints(root: Node): FileHints {
  const modules: string[] = [];
  for (const st of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!st) continue;
    const from = st.type === 'import_from_statement' ? st.childForFieldName('module_name')?.text : undefined;
    if (from !== undefined) modules.push(from);
    else
      for (const n of st.childrenForFieldName('name')) {
        const dotted = n?.type === 'aliased_import' ? n.childForFieldName('name') : n;
        if (dotted) modules.push(dotted.text);
      }
  }
  return fileHintsOf(modules, 'python');
}

/**
 * `filePath` (optional) lets a framework call be judged by the version the project pins
 * (FrameworkCall.versionDefaults); without it, by the framework's current behaviour.
 */
export async function findPythonCalls(text: string, wasmDir?: string, filePath?: string): Promise<DetectedCall[]> {
  const parser = await pythonParser(wasmDir);
  const tree = parser.parse(text);
  if (!tree) return [];
  const calls: DetectedCall[] = [];
  try {
    const hints = fileHints(tree.rootNode);
    let b: PyBindings | undefined;
    // Names assigned an attribute (`create = client.chat.completions.create`): the only bare callees
    // worth building the file's bindings for (most bare calls are print, len, project functions).
    let aliases: Set<string> | undefined;
    const attributeAliases = (): Set<string> => {
      if (aliases) return aliases;
      aliases = new Set();
      for (const a of tree.rootNode.descendantsOfType('assignment')) {
        const left = a?.childForFieldName('left');
        if (left?.type === 'identifier' && a?.childForFieldName('right')?.type === 'attribute') aliases.add(left.text);
      }
      return aliases;
    };
    const llamaIndex = text.includes('llama_index');
    const langchain = text.includes('langchain');
    for (const node of tree.rootNode.descendantsOfType('call')) {
      if (!node) continue;
      let fn = node.childForFieldName('function');
      let chain = chainOf(fn);
      // `functools.partial(client.chat.completions.create, …)` / `asyncio.to_thread(…)`: the SDK method is the first argument.
      const forwarder = forwarderOf(chain);
      if (forwarder) {
        const first = named(node.childForFieldName('arguments') ?? node)[0];
        if (!first || first.type === 'keyword_argument' || first.type === 'dictionary_splat' || first.type === 'list_splat') continue;
        fn = first;
        chain = chainOf(fn);
      }
      let api = chain ? classifyCallee(chain, false, hints) : undefined;
      // Only SDK method names are worth resolving an alias for (bindings are built lazily).
      // …and a bare name may be a method alias (`create = client.chat.completions.create`).
      if (chain && (api === undefined || api === 'openai-completions') && (chain.length === 1 ? attributeAliases().has(chain[0]!) : SDK_METHODS.has(chain[chain.length - 1]!))) {
        b ??= new PyBindings(tree.rootNode);
        const full = aliasedChain(b, chain, node);
        if (full !== chain) api = classifyCallee(full, false, hints) ?? api;
      }
      // An LLM class imported under another name (`from langchain_openai import ChatOpenAI as LC`).
      if (!api && chain && (llamaIndex || langchain)) {
        b ??= new PyBindings(tree.rootNode);
        const path = b.dottedPath(chain);
        if (path[0] === 'llama_index' && path[1] === 'llms' && path.length === 4 && LLAMAINDEX_LLMS.has(path[3]!)) api = 'llamaindex';
        else if (path[0]?.startsWith('langchain')) api = classifyCallee(path, false, hints);
        // The class's own name decides its limit key (`ChatAnthropic` takes max_tokens).
        if (api?.startsWith('langchain')) chain = path.slice(-1);
      }
      // A framework's LLM class or request function, by its name and the module it comes from.
      let framework: FrameworkCall | undefined;
      if (!api && chain && fn && FRAMEWORK_NAMES.python.has(chain[chain.length - 1]!)) {
        b ??= new PyBindings(tree.rootNode);
        framework = frameworkCallOf('python', chain[chain.length - 1], calleeModules(fn, b));
        if (framework) api = 'framework';
      }
      // A LiteLLM `Router(model_list=…)`'s `completion` / `acompletion`, through a variable or `self.` attribute.
      let router: Node | undefined;
      if (!api && hints.litellm && fn?.type === 'attribute' && (chain?.at(-1) === 'completion' || chain?.at(-1) === 'acompletion')) {
        b ??= new PyBindings(tree.rootNode);
        router = litellmRouter(fn.childForFieldName('object'), b);
        if (router) api = 'litellm';
      }
      const argList = node.childForFieldName('arguments');
      if (!api || !chain || !fn || !argList || argList.type !== 'argument_list') continue;
      b ??= new PyBindings(tree.rootNode);
      if (api === 'bedrock-invoke') {
        // Only a body whose model family is known is an LLM call this can judge.
        const call = bedrockInvoke(text, chain, fn, b.readArgs(argList), b);
        if (call && belongsToSdk(api, { modules: calleeModules(fn, b), fileModules: b.modules }, call.model)) calls.push(call);
        continue;
      }
      const call = inspectCall(text, api, chain, node, fn, b.readArgs(argList), b, framework, filePath);
      if (router) settleRouterCall(call, router, b);
      if (forwarder === 'partial') partialUses(call, node, b);
      if (belongsToSdk(api, { modules: calleeModules(fn, b), fileModules: b.modules }, call.model)) calls.push(call);
    }
  } finally {
    tree.delete();
  }
  return calls;
}

/** The `Router(...)` call a receiver is bound to, when it is LiteLLM's (`from litellm import Router`, `litellm.Router`). */
function litellmRouter(receiver: Node | null, b: PyBindings): Node | undefined {
  if (!receiver) return undefined;
  const attr = receiver.type === 'attribute' && receiver.childForFieldName('object')?.text === 'self' ? receiver.childForFieldName('attribute')?.text : undefined;
  const value = receiver.type === 'identifier' ? b.valueOf(receiver.text, receiver) : attr ? b.selfValue(attr, receiver) : undefined;
  const ctor = value?.type === 'call' ? value.childForFieldName('function') : undefined;
  if (!ctor || chainOf(ctor)?.at(-1) !== 'Router') return undefined;
  return [...b.modulesOf(ctor, true)].some((m) => /^litellm(\.|$)/.test(m)) ? value : undefined;
}

/**
 * A Router call names a model group (`model_name`), and the Router sends each request with the chosen
 * deployment's `litellm_params` under the call's own arguments: the model is the group's `model`, and a
 * limit in any of its deployments' params is sent when the call sets none. Only a model list the file
 * spells out is read; otherwise the model and whether a limit is sent are unknown.
 */
function settleRouterCall(call: DetectedCall, router: Node, b: PyBindings): void {
  const group = call.model;
  delete call.model;
  delete call.note;
  const args = router.childForFieldName('arguments');
  const ctor = args ? b.readArgs(args) : undefined;
  const listNode = ctor?.keywords.get('model_list');
  const list = listNode?.type === 'identifier' ? b.valueOf(listNode.text, listNode) : listNode;
  const deployments = list?.type === 'list' ? named(list).map((d) => (d.type === 'dictionary' || d.type === 'identifier' || d.type === 'call' ? b.resolve(d) : undefined)) : [];
  // Router-wide defaults (`default_litellm_params`) or a deployment this cannot read may carry the group or its limit.
  const readable = ctor && !ctor.opaque && !ctor.keywords.has('default_litellm_params') && list?.type === 'list' && deployments.every((d) => d && !d.opaque && d.fixable !== false);
  const params = readable && group !== undefined
    ? deployments
        .filter((d) => stringValue(d!.keywords.get('model_name'))?.text === group)
        .map((d) => {
          const p = d!.keywords.get('litellm_params');
          return p ? b.resolve(p) : undefined;
        })
    : [];
  if (params.length === 0 || params.some((p) => !p || p.opaque || p.fixable === false)) {
    if (call.limit === 'missing') call.limit = 'unknown';
    delete call.insertion;
    return;
  }
  const models = new Set(params.map((p) => stringValue(p!.keywords.get('model'))).map((m) => (m && m.placeholders === 0 ? m.text : undefined)));
  const model = models.size === 1 ? [...models][0] : undefined;
  if (model) call.model = model;
  if (call.limit !== 'missing') return;
  const limits = params.map((p) => limitFrom(p!.keywords, false));
  if (limits.some((l) => l.limit === 'present')) {
    // The deployment the Router picks sends its own; the largest is the worst case.
    const values = limits.map((l) => l.outputLimit);
    call.limit = 'present';
    if (values.every((v) => v !== undefined)) call.outputLimit = Math.max(...(values as number[]));
    delete call.insertion;
    return;
  }
  if (!model) {
    call.limit = 'unknown';
    delete call.insertion;
    return;
  }
  litellmAnthropicDefault(call);
  // The fix was sized for the group name; size it for the model the group sends.
  const fix = suggestedLimit('none', { max: maxOutputTokens(model), reasons: reasonsByDefault(model) });
  if (call.insertion && fix !== undefined && fix !== call.insertion.limit) {
    const was = `=${call.insertion.limit}`;
    call.insertion = { ...call.insertion, newText: call.insertion.newText.replace(was, `=${fix}`), title: call.insertion.title.replace(was, `=${fix}`), limit: fix };
    call.suggested = fix;
  }
}

/**
 * LlamaIndex LLM classes whose `max_tokens` defaults to None (no limit sent). Its Anthropic class
 * defaults to 512 and Ollama takes no max_tokens, so neither is one of these.
 */
const LLAMAINDEX_LLMS = new Set(['OpenAI', 'AzureOpenAI', 'OpenAILike', 'MistralAI', 'Groq', 'GoogleGenAI', 'Gemini', 'TogetherLLM', 'DeepSeek', 'OpenRouter', 'LiteLLM']);

/**
 * Calls that pass their keyword arguments on to the function given first: `functools.partial` binds
 * them for later calls, `asyncio.to_thread` calls it with them now.
 */
function forwarderOf(chain: string[] | undefined): 'partial' | 'to_thread' | undefined {
  const name = chain?.join('.');
  if (name === 'partial' || name === 'functools.partial') return 'partial';
  if (name === 'to_thread' || name === 'asyncio.to_thread') return 'to_thread';
  return undefined;
}

/** `asyncio.to_thread(p)` / `loop.run_in_executor(None, p)`: calls `p` adding no argument. */
function handedOff(n: Node): boolean {
  const argList = n.parent;
  if (argList?.type !== 'argument_list') return false;
  const last = chainOf(argList.parent?.childForFieldName('function') ?? null)?.at(-1);
  const args = named(argList);
  if (last === 'to_thread') return args.length === 1 && args[0]!.equals(n);
  if (last === 'run_in_executor') return args.length === 2 && args[1]!.equals(n);
  return false;
}

/**
 * A partial sends its bound arguments plus whatever each call of it adds. Its limit is missing only
 * when every use is visible and none adds one: `name(…)` with keyword arguments the analysis can read,
 * or a hand-off that adds nothing. A partial stored on an attribute, returned or passed on: unknown.
 */
function partialUses(call: DetectedCall, node: Node, b: PyBindings): void {
  if (call.limit !== 'missing') return;
  const invocations: Node[] = [];
  let visible = handedOff(node);
  const parent = node.parent;
  const left = parent?.type === 'assignment' && parent.childForFieldName('right')?.equals(node) ? parent.childForFieldName('left') : null;
  if (left?.type === 'identifier') {
    visible = true;
    let used = false;
    for (const id of enclosingScope(parent!).descendantsOfType('identifier')) {
      if (!id || id.text !== left.text || id.equals(left)) continue;
      used = true;
      const p = id.parent;
      // Another value under the same name (a reassignment, a shadowing parameter) is a use we cannot follow.
      if (!b.valueOf(left.text, id)?.equals(node)) visible = false;
      else if (p?.type === 'call' && p.childForFieldName('function')?.equals(id)) invocations.push(p);
      else if (!handedOff(id)) visible = false;
    }
    visible &&= used;
  }
  for (const inv of visible ? invocations : []) {
    const argList = inv.childForFieldName('arguments');
    const a = argList?.type === 'argument_list' ? b.readArgs(argList) : undefined;
    const positional = !a || named(a.argList).some((x) => x.type !== 'keyword_argument' && x.type !== 'dictionary_splat');
    const l = a ? limitFrom(a.keywords, a.opaque || positional) : { limit: 'unknown' as const };
    if (l.limit !== 'missing') {
      Object.assign(call, l);
      break;
    }
    // One call site: its prompt is the request's prompt.
    if (invocations.length === 1) collectPrompt(a!.keywords, call, b);
  }
  if (!visible) call.limit = 'unknown';
  if (call.limit !== 'missing') delete call.insertion;
}

const SDK_METHODS = new Set(['create', 'acreate', 'stream', 'parse', 'tool_runner', 'complete', 'complete_async', 'stream_async', 'generate_content', 'generate_content_stream']);

/**
 * The chain a call really has when its head is an alias of a sub-client:
 * `completions = client.chat.completions` … `completions.create(…)` is `client.chat.completions.create`
 * (read as the legacy Completions API otherwise). Aliases of aliases are followed a few steps.
 */
function aliasedChain(b: PyBindings, chain: string[], at: Node): string[] {
  let out = chain;
  for (let depth = 0; depth < 4; depth++) {
    const value = b.valueOf(out[0]!, at);
    if (value?.type !== 'attribute') return out;
    const head = chainOf(value);
    if (!head || head.includes('?')) return out;
    out = [...head, ...out.slice(1)];
  }
  return out;
}

/** Where the callee comes from: its receiver (`client` of `client.messages.create`), or the function itself. */
function calleeModules(fn: Node, b: PyBindings): Set<string> {
  if (fn.type === 'identifier') return b.definesFunction(fn.text) ? new Set([LOCAL_ORIGIN]) : b.modulesOf(fn, true);
  return b.modulesOf(fn.type === 'attribute' ? fn.childForFieldName('object') : fn);
}

function entry(key: string, args: KwArgs, limit: number): string {
  return args.targetIsDict ? `"${key}": ${limit}` : `${key}=${limit}`;
}

/** An integer literal, directly or through a same-file variable (`budget_tokens=THINKING_BUDGET`). */
function intValue(node: Node | undefined, b: PyBindings, depth = 0): number | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  if (node.type === 'integer' && /^[\d_]+$/.test(node.text)) return Number(node.text.replaceAll('_', ''));
  if (node.type === 'identifier') return intValue(b.valueOf(node.text, node), b, depth + 1);
  return undefined;
}

/** The call's extended-thinking budget (Anthropic `thinking={"type": "enabled", "budget_tokens": …}`). */
function thinkingBudget(kw: Map<string, Node>, b: PyBindings): ThinkingBudget {
  const v = kw.get('thinking');
  if (!v || sendsNoValue(v)) return 'none';
  const t = b.resolve(v);
  if (!t || t.opaque || t.fixable === false) return 'unknown';
  if (stringValue(t.keywords.get('type'))?.text === 'disabled') return 'none';
  return intValue(t.keywords.get('budget_tokens'), b) ?? 'unknown';
}

/** `ChatOpenAI(...).bind(max_tokens=…)` or `llm = ChatOpenAI(...)` … `llm.bind(max_tokens=…)`. */
function boundLimit(node: Node, b: PyBindings): Pick<DetectedCall, 'limit' | 'outputLimit'> | undefined {
  const binds: Node[] = [];
  const parent = node.parent;
  if (parent?.type === 'attribute' && ['bind', 'with_config'].includes(parent.childForFieldName('attribute')?.text ?? '') && parent.parent?.type === 'call') binds.push(parent.parent);
  if (parent?.type === 'assignment' && parent.childForFieldName('left')?.type === 'identifier') {
    const name = parent.childForFieldName('left')!.text;
    // A limit set on the object afterwards (`settings.max_tokens = 2000`, `llm.max_tokens = 300`) is sent too.
    if (b.writesTo(name).some((k) => k !== undefined && OUTPUT_LIMIT_KEYS.has(k))) return { limit: 'present' };
    for (const c of b.calls) {
      const fn = c.childForFieldName('function');
      if (fn?.type !== 'attribute') continue;
      if (fn.childForFieldName('object')?.text === name && ['bind', 'with_config'].includes(fn.childForFieldName('attribute')?.text ?? '')) binds.push(c);
    }
  }
  let unknown = false;
  for (const c of binds) {
    const argList = c.childForFieldName('arguments');
    if (!argList) continue;
    const a = b.readArgs(argList);
    const l = limitFrom(a.keywords, a.opaque);
    if (l.limit === 'present') return l;
    if (l.limit === 'unknown' || named(argList).some((x) => x.type !== 'keyword_argument')) unknown = true;
  }
  return unknown ? { limit: 'unknown' } : undefined;
}

/**
 * A request's own config over the one built here: the legacy SDK takes a generation_config on each generate_content / chat
 * send_message call, over the model's; a google-genai chat's send_message sends its `config` instead of the chat's. If any
 * such call's config sets a limit, or cannot be read, the finding would be a guess: say unknown.
 */
function perCallConfig(b: PyBindings, calls: RegExp, keyword: string): boolean {
  return b.calls.some((c) => {
    const argList = calls.test(c.childForFieldName('function')?.text ?? '') ? c.childForFieldName('arguments') : null;
    const a = argList?.type === 'argument_list' ? b.readArgs(argList) : undefined;
    const cfg = a?.keywords.get(keyword);
    const r = cfg && b.resolve(cfg);
    return a?.opaque || (cfg && (!r || limitFrom(r.keywords, r.opaque).limit !== 'missing'));
  });
}

/** APIs whose limit sits in a nested config (generation config, model settings, inference config). */
function nestedApi(api: CallApi): boolean {
  return api === 'google-genai' || api === 'google-legacy' || api === 'openai-agents' || api === 'bedrock-converse';
}

const OPENAI_CLIENTS = new Set(['OpenAI', 'AsyncOpenAI']);
const AZURE_CLIENTS = new Set(['AzureOpenAI', 'AsyncAzureOpenAI']);

/**
 * Where an OpenAI-SDK client sends requests, from its construction in the file (`client = AzureOpenAI(…)`,
 * `OpenAI(base_url="http://vllm:8000/v1")`, `self.client = …`); undefined when that is not visible.
 */
function clientEndpoint(fn: Node, b: PyBindings): ClientTarget | undefined {
  let n: Node | null = fn;
  for (let depth = 0; n && depth < 12; depth++) {
    if (n.type === 'attribute') {
      const obj: Node | null = n.childForFieldName('object');
      const attr: string | undefined = n.childForFieldName('attribute')?.text;
      n = obj?.text === 'self' && attr ? (b.selfValue(attr, n) ?? null) : obj;
    } else if (n.type === 'identifier') n = b.valueOf(n.text, n) ?? null;
    else if (n.type === 'await' || n.type === 'parenthesized_expression') n = named(n)[0] ?? null;
    else if (n.type === 'call') {
      const name = chainOf(n.childForFieldName('function'))?.at(-1);
      const argList = n.childForFieldName('arguments');
      if (name && AZURE_CLIENTS.has(name)) {
        const d = argList?.type === 'argument_list' ? pyText(b.readArgs(argList).keywords.get('azure_deployment'), b) : undefined;
        return d?.placeholders === 0 && d.text ? { kind: 'azure', deployment: d.text } : { kind: 'azure' };
      }
      if (!name || !OPENAI_CLIENTS.has(name) || argList?.type !== 'argument_list') return undefined;
      const args = b.readArgs(argList);
      if (args.keywords.has('default_query')) {
        const q = b.resolve(args.keywords.get('default_query')!);
        if (q?.keywords.has('api-version')) return { kind: 'azure' };
      }
      const base = args.keywords.get('base_url');
      if (!base) return args.opaque ? undefined : { kind: 'openai' };
      const url = pyText(base, b);
      return url && url.placeholders === 0 ? targetOfUrl(url.text) : undefined;
    } else return undefined;
  }
  return undefined;
}

/**
 * Whether another call in the file passes the argument a framework's LLM reads its limit from
 * (`agent.run_sync(q, model_settings=…)`, Haystack's `generator.run(…, generation_kwargs=…)`): the
 * limit may be set per request, so the constructor's own "missing" is not known.
 */
function setPerRequest(b: PyBindings, name: string, own: Node): boolean {
  for (const c of b.calls) {
    if (c.equals(own)) continue;
    const argList = c.childForFieldName('arguments');
    if (argList?.type !== 'argument_list') continue;
    for (const a of named(argList)) {
      if (a.type === 'dictionary_splat') return true;
      if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return true;
    }
  }
  return false;
}

/** The limit of an API (or framework) that reads it from a nested config argument, and where a fix adds it. */
function nestedLimit(
  source: string,
  api: CallApi,
  call: DetectedCall,
  args: KwArgs,
  b: PyBindings,
  where: { names: string[]; add: string },
  key: string,
  fixLimit: number | undefined,
  title: string,
  branches: boolean,
): DetectedCall {
  const cfgNode = where.names.map((n) => args.keywords.get(n)).find((n) => n);
  if (!cfgNode) {
    call.limit = args.opaque ? 'unknown' : 'missing';
    const fixable = api !== 'openai-agents' || /\bModelSettings\b/.test(source);
    if (call.limit === 'missing' && fixable && !branches && fixLimit !== undefined)
      call.insertion = { ...appendAfterLast(args.target, source, args.targetIsDict ? `"${where.add.split('=')[0]}": {"${key}": ${fixLimit}}` : where.add), title, limit: fixLimit };
  }
  const cfg = cfgNode && b.resolve(cfgNode);
  if (cfg) {
    // Arguments changed where the analysis does not follow (`**extra`, `params["config"]["x"] = …`) may change the config too.
    const { noneLimit } = limitFrom(cfg.keywords, false);
    Object.assign(call, mergedLimit(cfg, b, cfg.opaque || args.opaque));
    if (call.limit === 'missing' && cfg.fixable !== false && !noneLimit && fixLimit !== undefined) call.insertion = { ...appendAfterLast(cfg.target, source, entry(key, cfg, fixLimit)), title, limit: fixLimit };
  }
  const perCall: [RegExp, string] | undefined = api === 'google-legacy' ? [/generate_content|send_message/, 'generation_config'] : api === 'google-genai' && call.callee.endsWith('chats.create') ? [/send_message/, 'config'] : undefined;
  if (call.limit === 'missing' && perCall && perCallConfig(b, ...perCall)) Object.assign(call, { limit: 'unknown', insertion: undefined });
  // Converse merges `additionalModelRequestFields` into the model's own body, which ignores what is not its family's parameter: only
  // that key at its place is a limit (bedrockBodyLimit: Claude's `max_tokens`, Nova's `inferenceConfig.maxTokens`), any spelling otherwise.
  const extra = call.limit === 'missing' ? args.keywords.get('additionalModelRequestFields') : undefined;
  const fields = extra && b.resolve(extra);
  const family = fields && bedrockBodyLimit(call.model, new Set(fields.keywords.keys()));
  const inner = family?.inside ? fields!.keywords.get(family.inside) : extra;
  const body = inner && (inner === extra ? fields : b.resolve(inner));
  const sent = body && (family ? new Map([...body.keywords].filter(([k]) => family.keys.includes(k))) : body.keywords);
  const merged = extra && (body ? limitFrom(sent!, body.opaque, body.fixable, family?.keys) : { limit: inner || fields?.opaque ? ('unknown' as const) : ('missing' as const) });
  return merged && merged.limit !== 'missing' ? Object.assign(call, { limit: merged.limit, outputLimit: merged.outputLimit, insertion: undefined }) : call;
}

/** A framework's limit given as a keyword of the call itself (`dspy.LM(…, max_tokens=…)`). */
/**
 * A limit under a spelling the class does not read (`ChatOllama(max_tokens=300)`: LangChain's
 * ChatOllama has no such field and drops it, sending no `num_predict`) limits nothing. The finding
 * says so and the fix renames the key, its value kept. undefined: no such spelling is written.
 */
function unreadClassLimit(chain: readonly string[], classKey: string, args: KwArgs, b: PyBindings, fixLimit: number | undefined): Partial<DetectedCall> | undefined {
  for (const [k, v] of args.keywords) {
    if (k === classKey || !OUTPUT_LIMIT_KEYS.has(k) || sendsNoValue(v)) continue;
    const out: Partial<DetectedCall> = { note: `${chain[chain.length - 1]} does not read ${k}, only ${classKey}` };
    const holder = v.parent;
    const name = holder?.type === 'keyword_argument' ? holder.childForFieldName('name') : holder?.type === 'pair' ? holder.childForFieldName('key') : null;
    // A dict key keeps its quotes (`"max_tokens": 300` → `"num_predict": 300`).
    const quote = name?.type === 'string' ? /^(["'])\w+\1$/.exec(name.text)?.[1] : '';
    const limit = intValue(v, b) ?? fixLimit;
    if (name && quote !== undefined && limit !== undefined && fixLimit !== undefined)
      out.insertion = { offset: name.startIndex, end: name.endIndex, newText: `${quote}${classKey}${quote}`, title: `Rename ${k} to ${classKey}`, limit };
    return out;
  }
  return undefined;
}

function directLimit(source: string, call: DetectedCall, args: KwArgs, fixLimit: number | undefined, branches: boolean, key: string, extraKeys?: readonly string[]): DetectedCall {
  const { noneLimit, ...limit } = limitFrom(args.keywords, args.opaque, args.fixable, extraKeys);
  Object.assign(call, limit);
  if (call.limit === 'missing' && !branches && !noneLimit && fixLimit !== undefined)
    call.insertion = { ...appendAfterLast(args.target, source, entry(key, args, fixLimit)), title: `Add ${key}=${fixLimit}`, limit: fixLimit };
  return call;
}

/**
 * The dict an InvokeModel `body=` serialises: `json.dumps(<dict>)` (or `dumps(…)`), possibly
 * `.encode()`d, directly or through a same-file variable. undefined: built where this cannot see.
 */
function invokeBody(node: Node | null | undefined, b: PyBindings, depth = 0): Node | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  if (node.type === 'parenthesized_expression') return invokeBody(named(node)[0], b, depth + 1);
  if (node.type === 'identifier') return invokeBody(b.valueOf(node.text, node), b, depth + 1);
  if (node.type !== 'call') return undefined;
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'encode') return invokeBody(fn.childForFieldName('object'), b, depth + 1);
  const name = chainOf(fn)?.join('.');
  const first = argList?.type === 'argument_list' ? named(argList)[0] : undefined;
  if ((name === 'json.dumps' || name === 'dumps') && first && first.type !== 'keyword_argument' && first.type !== 'list_splat' && first.type !== 'dictionary_splat') return first;
  return undefined;
}

/**
 * boto3 `invoke_model` / `invoke_model_with_response_stream`: the limit is read from the JSON body
 * in its model family's spelling and place (bedrockBodyLimit). A body this cannot read is unknown;
 * a family it does not judge (an embedding, an unlisted vendor) is no call at all (undefined).
 */
function bedrockInvoke(source: string, chain: string[], fn: Node, args: KwArgs, b: PyBindings): DetectedCall | undefined {
  const call: DetectedCall = { api: 'bedrock-invoke', callee: calleeText(chain), start: fn.startIndex, end: fn.endIndex, limit: 'unknown', messages: [], placeholders: 0 };
  const model = modelText(args.keywords.get('modelId'), b);
  const modelId = model && model.placeholders === 0 && args.fixable !== false ? model.text : undefined;
  if (modelId) call.model = modelId;
  const bodyNode = invokeBody(args.keywords.get('body'), b);
  const body = bodyNode ? b.resolve(bodyNode) : undefined;
  // A modelId the file does not show and a body it cannot read: nothing says this is a text model.
  const family = bedrockBodyLimit(modelId, new Set(body?.keywords.keys() ?? []));
  if (!family) return undefined;
  if (!body || body.fixable === false) {
    call.placeholders = 1;
    call.argumentsHidden = true;
    return call;
  }
  collectPrompt(body.keywords, call, b);
  // Titan's prompt is `inputText`.
  const inputText = body.keywords.get('inputText');
  if (inputText) collectPrompt(new Map([['prompt', inputText]]), call, b);
  if (body.opaque) {
    call.argumentsHidden = true;
    if (call.messages.length === 0 && call.placeholders === 0) call.placeholders = 1;
  }
  const container = family.inside ? body.keywords.get(family.inside) : bodyNode;
  const cfg = family.inside ? (container ? b.resolve(container) : undefined) : body;
  const given = cfg ? family.keys.find((k) => cfg.keywords.has(k)) : undefined;
  const v = given ? cfg!.keywords.get(given)! : undefined;
  const fixLimit = settleBedrockLimit(
    call,
    family,
    {
      ...(v && { given: { ...(v.type === 'integer' && { value: Number(v.text) }), sendsNone: sendsNoValue(v) } }),
      // A config built where this cannot see, or spread in: whether it sets the limit is not known.
      hidden: Boolean((container && !cfg) || body.opaque || cfg?.opaque),
      thinking: () => thinkingBudget(body.keywords, b),
    },
    cfg?.fixable !== false,
  );
  if (fixLimit === undefined) return call;
  const title = `Add ${family.key}=${fixLimit}`;
  const target = cfg ?? body;
  const text = cfg ? entry(family.key, cfg, fixLimit) : body.targetIsDict ? `"${family.inside}": {"${family.key}": ${fixLimit}}` : `${family.inside}={"${family.key}": ${fixLimit}}`;
  call.insertion = { ...appendAfterLast(target.target, source, text), title, limit: fixLimit };
  return call;
}

/**
 * The limit an older version of the framework sent by default, when the project of `filePath` pins
 * one (`dspy<3`, a lock file's `2.6.10`): the worst case over the versions the pin allows.
 */
function pinnedDefault(framework: FrameworkCall, filePath: string | undefined): number | undefined {
  const v = framework.versionDefaults;
  if (!v || filePath === undefined) return undefined;
  const ceiling = pinnedCeiling(filePath, v.packages);
  if (!ceiling) return undefined;
  for (const d of v.defaults) {
    const before = parseVersion(d.before);
    if (before && allBefore(ceiling, before)) return d.limit;
  }
  return undefined;
}

function inspectCall(
  source: string,
  api: CallApi,
  chain: string[],
  node: Node,
  fn: Node,
  args: KwArgs,
  b: PyBindings,
  framework?: FrameworkCall,
  filePath?: string,
): DetectedCall {
  const call: DetectedCall = { api, callee: calleeText(chain), start: fn.startIndex, end: fn.endIndex, limit: 'unknown', messages: [], placeholders: 0 };
  // Under a forwarder (`partial(client.chat.completions.create, …)`) the callee is itself an argument.
  const allPositional = named(args.argList).filter((a) => a.type !== 'keyword_argument' && a.type !== 'dictionary_splat' && a.type !== 'list_splat' && !a.equals(fn));
  // A framework takes its model as the first positional argument when no model keyword is given
  // (`dspy.LM("openai/gpt-4o")`, ollama's `chat("llama3.1", messages=…)`): that argument is the model, not hidden content.
  const positionalModel = framework && !framework.modelKeys.some((k) => args.keywords.has(k)) ? allPositional[0] : undefined;
  const positionalArgs = positionalModel ? allPositional.slice(1) : allPositional;
  // Arguments assigned in branches: which prompt and model are sent is not known, only whether any
  // of the alternatives sets a limit.
  const branches = args.fixable === false;
  // A literal or a same-file constant (`MODEL = "gpt-4o"` … `model=MODEL`).
  const modelNode = framework
    ? (framework.modelKeys.map((k) => args.keywords.get(k)).find((n) => n) ?? positionalModel)
    : (args.keywords.get('model') ??
      args.keywords.get('model_name') ??
      args.keywords.get('modelId') ??
      // `GenerativeModel("gemini-1.5-flash")`, `init_chat_model("gpt-4o", model_provider="openai")`.
      (api === 'google-legacy' || api === 'llamaindex' || chain[chain.length - 1] === 'init_chat_model' ? positionalArgs[0] : undefined));
  const model = (framework?.modelObjects && modelObjectText(modelNode, framework.modelObjects, b)) || modelText(modelNode, b);
  const writtenModel = model && model.placeholders === 0 && !branches ? model.text : undefined;
  // Frameworks name models the LiteLLM way (`openai/gpt-4o-mini`, `anthropic:claude-…`).
  if (writtenModel) call.model = framework ? normaliseModelName(writtenModel) : writtenModel.replace(/^models\//, '');
  const target = api.startsWith('openai-') ? clientEndpoint(fn, b) : undefined;
  // On Azure the deployment is the model the request reaches when the call names none.
  if (!call.model && !branches && target?.deployment) call.model = target.deployment;
  const constructs = api === 'google-legacy' || api === 'openai-agents' || api === 'llamaindex' || api.startsWith('langchain') || framework?.kind === 'configures';
  if (!constructs && !branches) collectPrompt(args.keywords, call, b);
  if (branches) {
    call.placeholders = 1;
    call.argumentsHidden = true;
  }
  // **kwargs or a positional argument may carry the prompt: count that unknown content as a placeholder.
  const hidden = args.opaque || positionalArgs.length > 0;
  if (call.messages.length === 0 && call.placeholders === 0 && hidden && !constructs) call.placeholders = 1;
  if (args.opaque || (positionalArgs.length > 0 && !constructs)) call.argumentsHidden = true;
  // What the model can produce, and whether it spends reasoning tokens out of the limit.
  const modelFacts = { max: call.model ? maxOutputTokens(call.model) : undefined, reasons: call.model ? reasonsByDefault(call.model) : false };
  const endpoint = api === 'openai-chat' ? target?.kind : undefined;
  // A Groq / Together client, or an OpenAI client whose base URL is another provider's API, bills at its provider's rates.
  const provider = api.startsWith('openai-') ? (sdkProvider(calleeModules(fn, b)) ?? target?.provider) : undefined;
  if (provider) call.provider = provider;
  const classKey = framework ? undefined : classLimitKey(chain, 'python');
  // openai-python < 1.0 (`openai.ChatCompletion.create`) only knows max_tokens.
  const key = framework
    ? framework.key
    : chain.includes('ChatCompletion')
    ? 'max_tokens'
    : (classKey ??
      limitKeyForModel(api, 'python', call.model, call.model ? modelProvider(call.model) : undefined, endpoint ? { kind: endpoint, reasons: modelFacts.reasons } : undefined));
  // With extended thinking on, the limit must leave room above the thinking budget.
  const fixLimit = suggestedLimit(nestedApi(api) || framework ? 'none' : thinkingBudget(args.keywords, b), modelFacts);
  if (fixLimit !== undefined) call.suggested = fixLimit;
  const title = `Add ${key}=${fixLimit}`;

  // APIs whose limit lives in a nested config argument.
  const nested: Partial<Record<CallApi, { names: string[]; add: string }>> = {
    'google-genai': { names: ['config', 'generation_config'], add: `config={"${key}": ${fixLimit}}` },
    'google-legacy': { names: ['generation_config'], add: `generation_config={"${key}": ${fixLimit}}` },
    'openai-agents': { names: ['model_settings'], add: `model_settings=ModelSettings(${key}=${fixLimit})` },
    'bedrock-converse': { names: ['inferenceConfig'], add: `inferenceConfig={"${key}": ${fixLimit}}` },
  };
  const where = framework?.inside ? { names: [framework.inside], add: `${framework.inside}={"${key}": ${fixLimit}}` } : nested[api];
  if (framework) {
    // Whatever the arguments say, the framework's default or a per-request setting decides last.
    const settle = (c: DetectedCall): DetectedCall => {
      const perRequest = framework.inside ?? framework.perRequest;
      if (c.limit === 'missing' && perRequest && framework.kind === 'configures' && setPerRequest(b, perRequest, node)) {
        c.limit = 'unknown';
        delete c.insertion;
      }
      settleFrameworkCall(c, framework, writtenModel, () => boundLimit(node, b));
      // An older version the project pins sends its own default: bounded, not missing.
      // (`max_tokens=None` written out overrides that default in every version.)
      const pinned = c.limit === 'missing' && !sendsNoValueAt(args.keywords.get(framework.key)) ? pinnedDefault(framework, filePath) : undefined;
      if (pinned !== undefined) {
        c.limit = 'present';
        c.outputLimit = pinned;
        delete c.insertion;
      }
      return c;
    };
    return settle(where ? nestedLimit(source, api, call, args, b, where, key, fixLimit, title, branches) : directLimit(source, call, args, fixLimit, branches, key, framework.keys));
  }
  if (where) return nestedLimit(source, api, call, args, b, where, key, fixLimit, title, branches);
  // A class that reads one spelling only (ChatOllama: num_predict) drops the others unread.
  const read = classKey ? new Map([...args.keywords].filter(([k]) => k === classKey || !OUTPUT_LIMIT_KEYS.has(k))) : args.keywords;
  const { noneLimit, ...limit } = limitFrom(read, args.opaque, args.fixable);
  Object.assign(call, limit);
  // LangChain: model_kwargs may carry the limit; LlamaIndex: additional_kwargs; the OpenAI SDK and
  // ChatOpenAI merge extra_body into the request's JSON (`extra_body={"max_tokens": 300}` is sent).
  const extras = [args.keywords.get('model_kwargs'), api === 'llamaindex' ? args.keywords.get('additional_kwargs') : undefined, EXTRA_BODY_APIS.has(api) ? args.keywords.get('extra_body') : undefined];
  for (const extra of extras) {
    const mk = call.limit === 'missing' && extra ? b.resolve(extra) : undefined;
    if (call.limit === 'missing' && extra) Object.assign(call, mk ? mergedLimit(mk, b) : { limit: 'unknown' });
  }
  // LlamaIndex's complete()/chat() merge their keywords into the request: a limit there may be this LLM's.
  const perCall = (c: Node, a = c.childForFieldName('arguments')) =>
    /^a?(stream_)?(complete|chat)$/.test(c.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '') && a?.type === 'argument_list' && ((r) => limitFrom(r.keywords, r.opaque))(b.readArgs(a)).limit !== 'missing';
  if (call.limit === 'missing' && api === 'llamaindex' && b.calls.some((c) => perCall(c))) call.limit = 'unknown';
  if (call.limit === 'missing' && constructs) {
    const bound = boundLimit(node, b);
    if (bound) Object.assign(call, bound);
  }
  if (call.limit === 'missing' && chain[chain.length - 1] === 'init_chat_model' && configurableLimit(args.keywords.get('configurable_fields'))) call.limit = 'unknown';
  // A positional dict (e.g. `create(params)`) hides the arguments.
  if (call.limit === 'missing' && positionalArgs.length > 0 && !constructs) call.limit = 'unknown';
  if (api === 'openai-completions') legacyCompletions(call);
  if (api === 'litellm') litellmAnthropicDefault(call);
  const unread = classKey && call.limit === 'missing' ? unreadClassLimit(chain, classKey, args, b, branches ? undefined : fixLimit) : undefined;
  if (unread) return Object.assign(call, unread);
  // With `max_tokens=None` in place, appending another max_tokens would repeat the keyword.
  if (call.limit === 'missing' && !branches && !noneLimit && fixLimit !== undefined) call.insertion = { ...appendAfterLast(args.target, source, entry(key, args, fixLimit)), title, limit: fixLimit };
  return call;
}

