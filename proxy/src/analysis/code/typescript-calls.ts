/**
 * Finds LLM calls in TypeScript/JavaScript with the TypeScript compiler API (a syntax tree, never
 * regular expressions over source) and reads their output limit, model and literal prompt text.
 */
import ts from 'typescript';
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
  langchainJsAnthropicDefault,
  legacyCompletions,
  limitKeyFor,
  limitKeyForModel,
  classLimitKey,
  sdkProvider,
  LOCAL_ORIGIN,
  NO_LIMIT_VALUES,
  OUTPUT_LIMIT_KEYS,
  sdkModule,
  suggestedLimit,
  type CallApi,
  type DetectedCall,
  type FrameworkCall,
  type ThinkingBudget,
} from './llm-call';
import { bedrockBodyLimit, settleBedrockLimit } from './bedrock-invoke';
import { normaliseModelName } from '../prompt/model-names';
import { aiSdkMajor } from './ai-sdk-version';
import { maxOutputTokens, modelProvider, reasonsByDefault } from '../cost/max-output';
import { jsDedent, stripText } from './text-transforms';
import { FileBindings, unwrap, type ResolvedObject } from './typescript-resolve';

/**
 * The AI SDK major version for a source file, looked up once per file: the lookup stats package
 * files in every directory up to the root, the same for each of the file's calls.
 */
const aiSdkMajors = new WeakMap<ts.SourceFile, { major: number | undefined }>();
function aiSdkMajorOf(sf: ts.SourceFile): number | undefined {
  let known = aiSdkMajors.get(sf);
  if (!known) {
    known = { major: aiSdkMajor(sf.fileName) };
    aiSdkMajors.set(sf, known);
  }
  return known.major;
}

function scriptKind(path: string): ts.ScriptKind {
  const p = path.toLowerCase();
  if (p.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (p.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (p.endsWith('.js') || p.endsWith('.mjs') || p.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** "a.b.c" for `a.b.c`, `this.a.b.c`, `a?.b.c`, `(await x).a.b`, `(a.b as T).c`; undefined for computed access. */
function calleeChain(expr: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(expr)) return [expr.text];
  if (ts.isPropertyAccessExpression(expr)) {
    const left = calleeChain(expr.expression);
    return [...(left ?? ['?']), expr.name.text];
  }
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return ['this'];
  // `(client.responses as any).create(…)`: a type cast changes nothing about what is called.
  if (
    ts.isParenthesizedExpression(expr) ||
    ts.isAwaitExpression(expr) ||
    ts.isNonNullExpression(expr) ||
    ts.isAsExpression(expr) ||
    ts.isSatisfiesExpression(expr) ||
    ts.isTypeAssertionExpression(expr)
  )
    return calleeChain(expr.expression);
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
  /** A limit key given `null` / `undefined` (no limit): a fix must not add a second one. */
  noneLimit?: true;
}

/** `max_tokens: null` / `max_tokens: undefined`: the key is there, the limit is not. */
function isNoLimit(p: ts.ObjectLiteralElementLike): boolean {
  const v = propValue(p);
  const u = v ? unwrap(v) : undefined;
  return !!u && (u.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(u) && NO_LIMIT_VALUES.has(u.text)));
}

/** present / missing / unknown for resolved arguments (spreads we cannot follow and dynamic keys hide what is set). */
function scanLimit(obj: ResolvedObject, keys: ReadonlySet<string> = OUTPUT_LIMIT_KEYS): LimitScan {
  let noneLimit = false;
  const hit = obj.props.find((p) => {
    const n = propName(p);
    if (n === undefined || !keys.has(n)) return false;
    if (isNoLimit(p)) noneLimit = true;
    return !isNoLimit(p);
  });
  if (hit) {
    const v = propValue(hit);
    const u = v ? unwrap(v) : undefined;
    // Objects assigned in branches may set different limits: which one applies is not known.
    return u && ts.isNumericLiteral(u) && obj.fixable !== false ? { limit: 'present', outputLimit: Number(u.text) } : { limit: 'present' };
  }
  if ([...obj.assigned].some((k) => keys.has(k))) return { limit: 'present' };
  return { limit: obj.opaque ? 'unknown' : 'missing', ...(noneLimit ? { noneLimit: true as const } : {}) };
}

/**
 * A limit the AI SDK passes through a provider's own options: `providerOptions: { openai: {
 * maxCompletionTokens: 300 } }` is sent as max_completion_tokens by @ai-sdk/openai's chat models.
 * Options the analysis cannot read may hold one too: the limit is then unknown, not missing.
 */
function providerOptionsLimit(bindings: FileBindings, props: readonly ts.ObjectLiteralElementLike[]): LimitScan | undefined {
  const v = propValue(findProp(props, ['providerOptions']));
  if (!v) return undefined;
  const all = bindings.resolve(v);
  if (!all) return { limit: 'unknown' };
  let unknown = all.opaque;
  for (const p of all.props) {
    const inner = propValue(p);
    const options = inner ? bindings.resolve(inner) : undefined;
    const scan = options ? scanLimit(options) : undefined;
    if (scan?.limit === 'present') return scan;
    if (!scan || scan.limit === 'unknown') unknown = true;
  }
  return unknown ? { limit: 'unknown' } : undefined;
}

// Objects merged into the request body: LangChain.js `modelKwargs`, LlamaIndex.TS `additionalChatOptions`, the Agents SDK's
// `modelSettings.providerData`, @google/genai's `httpOptions.extraBody` (the REST body: its `generationConfig`).
const MERGED_KEYS = ['modelKwargs', 'additionalChatOptions', 'providerData', 'httpOptions', 'extraBody', 'generationConfig'];

/**
 * Converse merges `additionalModelRequestFields` into the model's own body, which ignores what is not its family's parameter:
 * only that key at its place is a limit (bedrockBodyLimit: Claude's `max_tokens`, Nova's `inferenceConfig.maxTokens`); a
 * family lint does not judge is read in any spelling.
 */
function converseFieldsLimit(bindings: FileBindings, props: readonly ts.ObjectLiteralElementLike[], model: string | undefined): LimitScan | undefined {
  const v = propValue(findProp(props, ['additionalModelRequestFields']));
  const fields = v && bindings.resolve(v);
  const family = fields && bedrockBodyLimit(model, new Set(fields.props.map(propName).filter((k): k is string => k !== undefined)));
  const inner = family?.inside ? propValue(findProp(fields!.props, [family.inside])) : v;
  const body = inner && (inner === v ? fields : bindings.resolve(inner));
  const scan: LimitScan | undefined = body ? scanLimit(body, family ? new Set(family.keys) : undefined) : v && { limit: inner || fields?.opaque ? 'unknown' : 'missing' };
  return scan?.limit === 'missing' ? undefined : scan;
}

/** The limit merged objects send (one built elsewhere may send one); `overwritten`: a key the class then writes its own field over. */
function mergedOptionsLimit(bindings: FileBindings, props: readonly ts.ObjectLiteralElementLike[], overwritten?: string, depth = 0): LimitScan | undefined {
  const v = depth < 4 ? propValue(findProp(props, MERGED_KEYS)) : undefined;
  const options = v && bindings.resolve(v);
  const sent = options && { ...options, props: options.props.filter((p) => propName(p) !== overwritten) };
  const scan: LimitScan | undefined = v && (sent ? scanLimit(sent) : { limit: 'unknown' });
  if (scan?.limit === 'missing' && options) return mergedOptionsLimit(bindings, options.props, overwritten, depth + 1);
  return scan?.limit === 'missing' ? undefined : scan;
}

// LangChain.js classes on ChatOpenAI's Chat Completions model: modelKwargs first, then their own maxTokens
// (undefined when unset) over max_tokens, or max_completion_tokens for a reasoning model (its isReasoningModel).
const OVERWRITES_MODEL_KWARGS = new Set(['ChatOpenAI', 'AzureChatOpenAI', 'ChatDeepSeek', 'ChatXAI', 'ChatFireworks', 'ChatTogetherAI']);
const overwrittenKey = (cls: string | undefined, model = '') =>
  !cls || !OVERWRITES_MODEL_KWARGS.has(cls) ? undefined : /^o\d/.test(model) || (model.startsWith('gpt-5') && !model.startsWith('gpt-5-chat')) ? 'max_completion_tokens' : 'max_tokens';

function insertProperty(sf: ts.SourceFile, obj: ts.ObjectLiteralExpression, prop: string): { offset: number; newText: string } {
  const last = obj.properties[obj.properties.length - 1];
  if (!last) return { offset: obj.getStart(sf) + 1, newText: ` ${prop} ` };
  const text = sf.text;
  const lastStart = last.getStart(sf);
  const multiLine = text.slice(obj.getStart(sf), lastStart).includes('\n');
  if (!multiLine) return { offset: last.end, newText: `, ${prop}` };
  const lineStart = text.lastIndexOf('\n', lastStart - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  // A CRLF file gets a CRLF line, not one LF line among them.
  const eol = text[lineStart - 2] === '\r' ? '\r\n' : '\n';
  return { offset: last.end, newText: `,${eol}${indent}${prop}` };
}

const MODEL_KEYS = ['model', 'modelName', 'model_name', 'modelId'];

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

/** The packages the AI SDK provider call naming the model comes from (`anthropic('…')` → @ai-sdk/anthropic). */
function aiSdkProviderModules(bindings: FileBindings, e: ts.Expression | undefined, depth = 0): Set<string> {
  if (!e || depth > 4) return new Set();
  const u = unwrap(e);
  if (ts.isIdentifier(u)) {
    const init = bindings.constInitializer(u.text, u);
    return init ? aiSdkProviderModules(bindings, init, depth + 1) : new Set();
  }
  return ts.isCallExpression(u) ? calleeModules(bindings, u.expression) : new Set();
}

/** `process.env.X`, `process.env['X']`, `import.meta.env.X`, `Deno.env.get('X')`. */
function isEnvRead(e: ts.Expression): boolean {
  const u = unwrap(e);
  const target = ts.isPropertyAccessExpression(u) || ts.isElementAccessExpression(u) ? u.expression : ts.isCallExpression(u) ? u.expression : undefined;
  const text = target ? unwrap(target).getText() : '';
  if (ts.isCallExpression(u)) return text === 'Deno.env.get';
  return text === 'process.env' || text === 'import.meta.env';
}

/**
 * The model a call names; where the code reads it from the environment with a fallback
 * (`process.env.MODEL || 'gpt-4o'`, `?? 'gpt-4o'`, directly or through a constant or `this.model`),
 * the fallback — what is sent unless the deployment overrides it.
 */
function modelValue(bindings: FileBindings, strings: Strings, e: ts.Expression | undefined, depth = 0): StringValue | undefined {
  if (!e || depth > 4) return undefined;
  const u = unwrap(e);
  if (ts.isBinaryExpression(u) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(u.operatorToken.kind) && isEnvRead(u.left))
    return strings.value(u.right);
  if (ts.isIdentifier(u)) {
    const init = bindings.constInitializer(u.text, u);
    if (init) return modelValue(bindings, strings, init, depth + 1);
  }
  if (ts.isPropertyAccessExpression(u) && u.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const values = bindings.classThisValues(u.name.text, u);
    if (values?.length === 1) return modelValue(bindings, strings, values[0], depth + 1);
  }
  return strings.value(u);
}

const TRIM: Record<string, 'both' | 'start' | 'end'> = { trim: 'both', trimStart: 'start', trimEnd: 'end', trimLeft: 'start', trimRight: 'end' };
/** Tags and functions that dedent a template: the `dedent` and `outdent` packages, common-tags. */
const DEDENT = new Set(['dedent', 'outdent', 'stripIndent', 'stripIndents']);

type StringValue = { text: string; placeholders: number; node: ts.Expression };

/**
 * Reads the text a string expression sends: a literal, a same-file constant (`const SYSTEM_PROMPT = "…"`),
 * `` `…`.trim() ``, a `dedent` tag or call, `[...].join('\n')`, `a + b` (an operand it cannot read is a
 * placeholder).
 */
class Strings {
  constructor(private readonly bindings: FileBindings) {}

  value(e: ts.Expression | undefined, depth = 0): StringValue | undefined {
    if (!e || depth > 6) return undefined;
    const u = unwrap(e);
    const map = (inner: StringValue | undefined, f: (t: string) => string): StringValue | undefined => (inner ? { ...inner, text: f(inner.text), node: u } : undefined);
    if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) return { text: u.text, placeholders: 0, node: u };
    if (ts.isTemplateExpression(u)) return { text: u.head.text + u.templateSpans.map((s) => s.literal.text).join(''), placeholders: u.templateSpans.length, node: u };
    if (ts.isIdentifier(u)) {
      const init = this.bindings.constInitializer(u.text, u);
      return init ? this.value(init, depth + 1) : undefined;
    }
    if (ts.isPropertyAccessExpression(u)) {
      const name = u.name.text;
      // `this.model` of a class field or a constructor assignment, assigned once in the file.
      if (u.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const values = this.bindings.classThisValues(name, u);
        return values?.length === 1 ? this.value(values[0], depth + 1) : undefined;
      }
      // `CONFIG.model` of a same-file object literal nothing writes that key of.
      const obj = this.bindings.resolve(u.expression);
      if (!obj || obj.fixable === false || obj.assigned.has(name)) return undefined;
      return this.value(propValue(findProp(obj.props, [name])), depth + 1);
    }
    if (ts.isTaggedTemplateExpression(u)) return ts.isIdentifier(u.tag) && DEDENT.has(u.tag.text) ? map(this.value(u.template, depth + 1), jsDedent) : undefined;
    if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const l = this.value(u.left, depth + 1);
      const r = this.value(u.right, depth + 1);
      if (!l && !r) return undefined;
      return { text: (l?.text ?? '') + (r?.text ?? ''), placeholders: (l?.placeholders ?? 1) + (r?.placeholders ?? 1), node: u };
    }
    if (ts.isCallExpression(u)) {
      const callee = unwrap(u.expression);
      if (ts.isIdentifier(callee) && DEDENT.has(callee.text) && u.arguments.length === 1) return map(this.value(u.arguments[0], depth + 1), jsDedent);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const method = callee.name.text;
      if (TRIM[method] && u.arguments.length === 0) return map(this.value(callee.expression, depth + 1), (t) => stripText(t, TRIM[method]!));
      if (method === 'join' && u.arguments.length <= 1) {
        const sep = u.arguments[0] ? this.value(u.arguments[0], depth + 1) : { text: ',', placeholders: 0 };
        const arr = this.bindings.arrayOf(callee.expression);
        if (!sep || sep.placeholders || !arr) return undefined;
        const parts = arr.elements.map((el) => this.value(el, depth + 1));
        if (parts.some((p) => !p)) return undefined;
        return { text: parts.map((p) => p!.text).join(sep.text), placeholders: parts.reduce((n, p) => n + p!.placeholders, 0), node: u };
      }
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
  // A string, or content blocks: `[{ type: 'text', text: SYSTEM, cache_control: {…} }]`, Gemini parts.
  const addContent = (role: string, e: ts.Expression | undefined) => {
    const arr = e && !strings.value(e) ? bindings.arrayOf(e) : undefined;
    if (!arr) return add(role, e);
    for (const part of arr.elements) {
      if (strings.value(part)) {
        add(role, part);
        continue;
      }
      const r = ts.isSpreadElement(part) ? undefined : bindings.resolve(part);
      // Image and document blocks carry no text to count.
      if (r) add(role, propValue(findProp(r.props, ['text'])));
      else call.placeholders += 1;
    }
  };
  addContent('system', propValue(findProp(props, ['system'])));
  addContent('system', propValue(findProp(props, ['instructions'])));
  add('user', propValue(findProp(props, ['prompt'])));
  const list = propValue(findProp(props, ['messages', 'input', 'contents']));
  if (!list) return;
  const arr = strings.value(list) ? undefined : bindings.arrayOf(list);
  if (!arr) {
    // A string prompt (`input: 'Hi'`, Gemini `contents: PROMPT`), or a list built elsewhere (a placeholder).
    add('user', list);
    return;
  }
  for (const el of arr.elements) {
    const m = ts.isSpreadElement(el) ? undefined : bindings.resolve(el);
    if (!m || m.fixable === false) {
      // A plain string in Gemini `contents: [...]`.
      if (strings.value(el)) add('user', el);
      else call.placeholders += 1;
      continue;
    }
    const role = strings.value(propValue(findProp(m.props, ['role'])))?.text ?? 'user';
    const content = propValue(findProp(m.props, ['content', 'parts']));
    if (content) addContent(role, content);
    else add(role, propValue(findProp(m.props, ['text'])));
  }
}

export function findTypeScriptCalls(path: string, text: string): DetectedCall[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
  const calls: DetectedCall[] = [];
  const { modules: fileModules, renamed } = fileImports(sf);
  const hints = fileHintsOf(fileModules, 'typescript');
  let bindings: FileBindings | undefined;
  let aliases: Set<string> | undefined;
  const aliasNames = (): Set<string> => {
    aliases ??= methodAliases(sf);
    return aliases;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const written = calleeChain(node.expression);
      // `import { ChatOpenAI as LC } from '@langchain/openai'`: `new LC(…)` is a ChatOpenAI.
      const chain = written && renamed.has(written[0]!) ? [renamed.get(written[0]!)!, ...written.slice(1)] : written;
      let api = chain ? classifyCallee(chain, ts.isNewExpression(node), hints) : undefined;
      // Only SDK method names are worth resolving an alias for (bindings are built lazily).
      // …and a bare name may be a method alias (`const create = client.chat.completions.create.bind(…)`).
      const aliasable = chain && (chain.length === 1 ? aliasNames().has(chain[0]!) : SDK_METHODS.has(chain[chain.length - 1]!));
      if (chain && aliasable && (api === undefined || api === 'openai-completions')) {
        bindings ??= new FileBindings(sf);
        const full = aliasedChain(bindings, chain, node);
        if (full !== chain) api = classifyCallee(full, false, hints) ?? api;
      }
      // A framework's LLM class or request function, by its name and the module it comes from.
      let framework: FrameworkCall | undefined;
      if (!api && chain && FRAMEWORK_NAMES.typescript.has(chain[chain.length - 1]!)) {
        bindings ??= new FileBindings(sf);
        framework = frameworkCallOf('typescript', chain[chain.length - 1], calleeModules(bindings, node.expression));
        if (framework) api = 'framework';
      }
      if (api === 'bedrock-invoke' && chain) {
        bindings ??= new FileBindings(sf);
        // Only a body whose model family is known is an LLM call this can judge.
        const call = bedrockInvoke(sf, bindings, node, chain);
        if (call && belongsToSdk(api, { modules: calleeModules(bindings, node.expression), fileModules }, call.model)) calls.push(call);
      } else if (api && chain) {
        bindings ??= new FileBindings(sf);
        const call = inspectCall(sf, bindings, node, api, chain, framework);
        if (belongsToSdk(api, { modules: calleeModules(bindings, node.expression), fileModules }, call.model)) calls.push(call);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return calls;
}

const SDK_METHODS = new Set(['create', 'stream', 'parse', 'runTools', 'toolRunner', 'complete', 'generateContent', 'generateContentStream']);

/**
 * The chain a call really has when its head is a const alias of a sub-client:
 * `const completions = client.chat.completions; completions.create(…)` is `client.chat.completions.create`
 * (read as the legacy Completions API otherwise). Aliases of aliases are followed a few steps.
 */
function aliasedChain(bindings: FileBindings, chain: string[], at: ts.Node): string[] {
  let out = chain;
  for (let depth = 0; depth < 4; depth++) {
    const init = bindings.constInitializer(out[0]!, at);
    const u = init ? boundMethod(unwrap(init)) : undefined;
    if (!u || !ts.isPropertyAccessExpression(u)) return out;
    const head = calleeChain(u);
    if (!head || head.includes('?')) return out;
    out = [...head, ...out.slice(1)];
  }
  return out;
}

/** `a.b.create.bind(thisArg)` → `a.b.create` (a bound method calls the same method). */
function boundMethod(e: ts.Expression): ts.Expression {
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'bind') return unwrap(e.expression.expression);
  return e;
}

/**
 * Names a file binds to an SDK method, bound or not (`const create = client.chat.completions.create.bind(client.chat.completions)`):
 * the only bare callees worth building the file's bindings for.
 */
function methodAliases(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      const u = boundMethod(unwrap(n.initializer));
      if (ts.isPropertyAccessExpression(u) && SDK_METHODS.has(u.name.text)) out.add(n.name.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** `require('m')` → m. */
function requiredModule(e: ts.Expression): string | undefined {
  const u = unwrap(e);
  if (ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require' && u.arguments[0] && ts.isStringLiteralLike(u.arguments[0])) return u.arguments[0].text;
  return undefined;
}

/** Every module the file imports or requires, and its top-level imports' original names (`import { ChatOpenAI as LC }`: LC → ChatOpenAI). */
function fileImports(sf: ts.SourceFile): { modules: string[]; renamed: Map<string, string> } {
  const modules: string[] = [];
  const renamed = new Map<string, string>();
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) modules.push(n.moduleSpecifier.text);
    else if (ts.isCallExpression(n)) {
      const m = requiredModule(n) ?? (n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0]) ? n.arguments[0].text : undefined);
      if (m) modules.push(m);
    }
    const named = ts.isImportDeclaration(n) && n.parent === sf ? n.importClause?.namedBindings : undefined;
    if (named && ts.isNamedImports(named)) for (const el of named.elements) if (el.propertyName) renamed.set(el.name.text, el.propertyName.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { modules, renamed };
}

/**
 * Packages an expression's value was imported or constructed from: `new Anthropic()` (imported from
 * @anthropic-ai/sdk), `twilio(sid, token)` (`require('twilio')`), `this.client`'s assignment. A name
 * imported from the project's own module and used as it is says nothing about the client: empty.
 */
function modulesOf(bindings: FileBindings, expr: ts.Expression | undefined, called: boolean, depth = 0): Set<string> {
  const out = new Set<string>();
  if (!expr || depth > 6) return out;
  const add = (s: Set<string>) => {
    for (const m of s) out.add(m);
  };
  const e = unwrap(expr);
  const required = requiredModule(e);
  if (required) return new Set([required]);
  if (ts.isIdentifier(e)) {
    const d = bindings.declarationOf(e.text, e);
    if (!d) return out;
    if (ts.isImportSpecifier(d) || ts.isImportClause(d) || ts.isNamespaceImport(d)) {
      let decl: ts.Node = d;
      while (!ts.isImportDeclaration(decl)) decl = decl.parent;
      const spec = (decl as ts.ImportDeclaration).moduleSpecifier;
      const m = ts.isStringLiteral(spec) ? spec.text : undefined;
      // A namespace or a package's default export is the SDK itself; a named import only when it is called (a class, a factory).
      const whole = ts.isNamespaceImport(d) || (ts.isImportClause(d) && m !== undefined && !m.startsWith('.'));
      if (m && (whole || called)) out.add(m);
    } else if (ts.isVariableDeclaration(d)) {
      const init = bindings.constInitializer(e.text, e);
      if (init) add(modulesOf(bindings, init, called, depth + 1));
    } else if (ts.isBindingElement(d)) {
      // const { Anthropic } = require('@anthropic-ai/sdk')
      let v: ts.Node = d;
      while (!ts.isVariableDeclaration(v) && v.parent) v = v.parent;
      const m = ts.isVariableDeclaration(v) && v.initializer ? requiredModule(v.initializer) : undefined;
      if (m && called) out.add(m);
    }
    return out;
  }
  if (ts.isPropertyAccessExpression(e)) {
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) for (const v of bindings.thisValues(e.name.text)) add(modulesOf(bindings, v, called, depth + 1));
    else add(modulesOf(bindings, e.expression, false, depth + 1));
    return out;
  }
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    add(modulesOf(bindings, e.expression, true, depth + 1));
    // A wrapper around an SDK client (`wrapAnthropic(new Anthropic())`) is still that SDK's.
    for (const a of e.arguments ?? []) for (const m of modulesOf(bindings, a, false, depth + 1)) if (sdkModule(m)) out.add(m);
    return out;
  }
  if (ts.isAwaitExpression(e)) return modulesOf(bindings, e.expression, called, depth + 1);
  return out;
}

/** Where the callee comes from: its receiver (`client` of `client.messages.create`), or the function itself. */
function calleeModules(bindings: FileBindings, callee: ts.Expression): Set<string> {
  const e = unwrap(callee);
  if (ts.isIdentifier(e)) {
    if (!bindings.declarationOf(e.text, e) && bindings.declaresLocally(e.text)) return new Set([LOCAL_ORIGIN]);
    return modulesOf(bindings, e, true);
  }
  return modulesOf(bindings, ts.isPropertyAccessExpression(e) ? e.expression : e, false);
}

// LangChain.js classes whose request reads a limit from call options (ChatGroq, ChatOpenRouter, google-common's copyAIModelParams);
// ChatOpenAI, ChatAnthropic, ChatOllama, ChatMistralAI, ChatGoogleGenerativeAI… send their own field and drop a bound one.
const READS_CALL_OPTION_LIMIT = new Set(['ChatGroq', 'ChatOpenRouter', 'ChatVertexAI', 'ChatGoogle']);

/** Where the constructor's result goes: `.bind({ maxTokens })` on it, directly or through a variable, and a limit set on it. */
function boundLimit(bindings: FileBindings, node: ts.NewExpression | ts.CallExpression, chain: readonly string[]): LimitScan | undefined {
  const binds: ts.CallExpression[] = [];
  let p: ts.Node = node.parent;
  while (ts.isParenthesizedExpression(p) || ts.isAwaitExpression(p)) p = p.parent;
  const readsBound = READS_CALL_OPTION_LIMIT.has(chain[chain.length - 1]!);
  if (readsBound && ts.isPropertyAccessExpression(p) && ['bind', 'withConfig'].includes(p.name.text) && ts.isCallExpression(p.parent)) binds.push(p.parent);
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) {
    // A limit set on the object afterwards (`llm.maxTokens = 300`) is sent too.
    if (bindings.memberWritesOf(p.name.text).some((k) => k !== undefined && OUTPUT_LIMIT_KEYS.has(k))) return { limit: 'present' };
    if (readsBound) binds.push(...bindings.methodCalls(p.name.text, ['bind', 'withConfig']));
  }
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

// A request's own config over the one built here: the legacy SDK merges a request's `generationConfig` over the model's; a
// google-genai chat sends a message's `config` instead of its own (`params.config ?? this.config`).
const PER_REQUEST: Partial<Record<CallApi, { methods: string[]; key: string }>> = {
  'google-legacy': { methods: ['generateContent', 'generateContentStream', 'startChat'], key: 'generationConfig' },
  'google-genai': { methods: ['sendMessage', 'sendMessageStream'], key: 'config' },
};

/** `const model = genAI.getGenerativeModel(…)` / `const chat = ai.chats.create(…)` whose requests may set the limit. */
function perRequestConfig(bindings: FileBindings, node: ts.Node, api: CallApi): boolean {
  const per = PER_REQUEST[api];
  const name = ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
  return (per && name ? bindings.methodCalls(name, per.methods) : []).some((c) => {
    const request = c.arguments[0] && bindings.resolve(c.arguments[0]);
    const cfg = request ? propValue(findProp(request.props, [per!.key])) : undefined;
    const r = cfg && bindings.resolve(cfg);
    return cfg !== undefined && (!r || scanLimit(r).limit !== 'missing');
  });
}

/** A number literal, directly or through a same-file constant (`budget_tokens: THINKING_BUDGET`). */
function numberValue(bindings: FileBindings, e: ts.Expression | undefined, depth = 0): number | undefined {
  if (!e || depth > 4) return undefined;
  const u = unwrap(e);
  if (ts.isNumericLiteral(u)) return Number(u.text);
  if (ts.isIdentifier(u)) return numberValue(bindings, bindings.constInitializer(u.text, u), depth + 1);
  return undefined;
}

/** The call's extended-thinking budget (Anthropic `thinking: { type: 'enabled', budget_tokens }`). */
function thinkingBudget(bindings: FileBindings, strings: Strings, props: readonly ts.ObjectLiteralElementLike[]): ThinkingBudget {
  const v = propValue(findProp(props, ['thinking']));
  if (!v) return 'none';
  const t = bindings.resolve(v);
  if (!t || t.opaque || t.fixable === false || t.assigned.size > 0) return 'unknown';
  const type = strings.value(propValue(findProp(t.props, ['type'])))?.text;
  if (type === 'disabled') return 'none';
  return numberValue(bindings, propValue(findProp(t.props, ['budget_tokens']))) ?? 'unknown';
}

/**
 * The `new X(…)` a call's receiver was constructed with (`client` of `client.chat.completions.create`,
 * through same-file constants and `this.client`), or undefined when the analysis cannot see it.
 */
function receiverConstruction(bindings: FileBindings, callee: ts.Expression, depth = 0): ts.NewExpression | ts.CallExpression | undefined {
  if (depth > 8) return undefined;
  const e = unwrap(callee);
  if (ts.isNewExpression(e)) return e;
  if (ts.isAwaitExpression(e)) return receiverConstruction(bindings, e.expression, depth + 1);
  if (ts.isCallExpression(e)) return ts.isIdentifier(unwrap(e.expression)) ? e : undefined;
  if (ts.isIdentifier(e)) {
    const init = bindings.constInitializer(e.text, e);
    return init ? receiverConstruction(bindings, init, depth + 1) : undefined;
  }
  if (ts.isPropertyAccessExpression(e)) {
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const values = bindings.classThisValues(e.name.text, e);
      return values?.length === 1 ? receiverConstruction(bindings, values[0]!, depth + 1) : undefined;
    }
    return receiverConstruction(bindings, e.expression, depth + 1);
  }
  return undefined;
}

/** Where an OpenAI-SDK client sends requests, from its construction; undefined when that is not visible. */
function clientEndpoint(bindings: FileBindings, strings: Strings, callee: ts.Expression): ClientTarget | undefined {
  const ctor = receiverConstruction(bindings, callee);
  if (!ctor) return undefined;
  const name = calleeChain(ctor.expression)?.at(-1);
  if (name !== 'OpenAI' && name !== 'AzureOpenAI') return undefined;
  const opts = ctor.arguments?.[0] ? bindings.resolve(ctor.arguments[0]) : undefined;
  if (name === 'AzureOpenAI') {
    const d = strings.value(propValue(findProp(opts?.props ?? [], ['deployment'])));
    return d?.placeholders === 0 && d.text ? { kind: 'azure', deployment: d.text } : { kind: 'azure' };
  }
  if (!opts) return undefined;
  // Azure through the plain client: `defaultQuery: { 'api-version': … }`.
  const query = propValue(findProp(opts.props, ['defaultQuery']));
  const q = query ? bindings.resolve(query) : undefined;
  if (q && findProp(q.props, ['api-version'])) return { kind: 'azure' };
  const base = propValue(findProp(opts.props, ['baseURL', 'baseUrl']));
  if (!base) return opts.opaque ? undefined : { kind: 'openai' };
  const url = strings.value(base);
  return url && url.placeholders === 0 ? targetOfUrl(url.text) : undefined;
}

type Insertion = (limit: number | undefined, at: (prop: string) => { offset: number; newText: string }) => DetectedCall['insertion'];

/** The limit of an API (or framework) that reads it from a nested config object, and where a fix adds it. */
function nestedLimit(
  sf: ts.SourceFile,
  bindings: FileBindings,
  call: DetectedCall,
  resolved: ResolvedObject,
  where: { names: string[]; add: string },
  insertion: Insertion,
  modelFacts: { max: number | undefined; reasons: boolean },
): DetectedCall {
  const props = resolved.props;
  call.suggested = suggestedLimit('none', modelFacts);
  const cfgProp = findProp(props, where.names);
  if (!cfgProp) {
    const direct = scanLimit(resolved);
    call.limit = direct.limit === 'missing' ? 'missing' : 'unknown';
    const ins = insertion(suggestedLimit('none', modelFacts), (prop) => insertProperty(sf, resolved.target, `${where.add}: { ${prop} }`));
    if (call.limit === 'missing' && resolved.fixable !== false && !direct.noneLimit && ins) call.insertion = ins;
  } else {
    const v = propValue(cfgProp);
    const cfg = v ? bindings.resolve(v) : undefined;
    if (cfg) {
      // Arguments changed where the analysis does not follow (a spread, `params.config.x = …`) may change the config too.
      const { noneLimit, ...scan } = scanLimit(resolved.opaque ? { ...cfg, opaque: true } : cfg);
      Object.assign(call, scan, scan.limit === 'missing' ? mergedOptionsLimit(bindings, cfg.props) : undefined);
      const ins = insertion(suggestedLimit('none', modelFacts), (prop) => insertProperty(sf, cfg.target, prop));
      if (call.limit === 'missing' && cfg.fixable !== false && !noneLimit && ins) call.insertion = ins;
    }
  }
  const merged = call.limit !== 'missing' ? undefined : call.api === 'bedrock-converse' ? converseFieldsLimit(bindings, props, call.model) : mergedOptionsLimit(bindings, props);
  return merged ? Object.assign(call, merged, { insertion: undefined }) : call;
}

/**
 * A framework request whose options are the n-th argument (`agent.generate(prompt, { modelSettings })`):
 * the model and any default options come from the receiver's constructor in the file; when that is
 * not visible, nor is the limit.
 */
function optionsArgumentCall(
  sf: ts.SourceFile,
  bindings: FileBindings,
  node: ts.CallExpression | ts.NewExpression,
  call: DetectedCall,
  framework: FrameworkCall,
  insertion: Insertion,
): DetectedCall {
  const index = framework.argument ?? 0;
  const inside = framework.inside ?? '';
  const strings = new Strings(bindings);
  const args = node.arguments ?? [];
  const prompt = args[0] && !ts.isSpreadElement(args[0]) ? strings.value(args[0]) : undefined;
  if (prompt) {
    call.messages.push({ role: 'user', text: prompt.text, start: prompt.node.getStart(sf), end: prompt.node.end });
    call.placeholders += prompt.placeholders;
  } else call.placeholders = 1;
  const ctor = receiverConstruction(bindings, node.expression);
  const options = ctor?.arguments?.[0] ? bindings.resolve(ctor.arguments[0]) : undefined;
  if (!options) return call;
  const model = modelValue(bindings, strings, aiSdkModelId(bindings, propValue(findProp(options.props, [...framework.modelKeys]))));
  if (model && model.placeholders === 0) call.model = normaliseModelName(model.text);
  const modelFacts = { max: call.model ? maxOutputTokens(call.model) : undefined, reasons: call.model ? reasonsByDefault(call.model) : false };
  if (options.opaque || findProp(options.props, [...(framework.receiverDefaults ?? [])]) || args.some((a) => ts.isSpreadElement(a))) return call;
  const given = args[index];
  if (!given) {
    const before = args[index - 1];
    if (!before || index !== args.length) return call;
    call.limit = 'missing';
    call.suggested = suggestedLimit('none', modelFacts);
    const ins = insertion(call.suggested, (prop) => ({ offset: before.end, newText: `, { ${inside}: { ${prop} } }` }));
    if (ins) call.insertion = ins;
    return call;
  }
  const resolved = bindings.resolve(given);
  return resolved ? nestedLimit(sf, bindings, call, resolved, { names: [inside], add: inside }, insertion, modelFacts) : call;
}

/**
 * The object an InvokeModel `body` serialises: `JSON.stringify(<object>)`, possibly encoded
 * (`new TextEncoder().encode(…)`, `Buffer.from(…)`), directly or through a same-file constant.
 */
function invokeBody(bindings: FileBindings, e: ts.Expression | undefined, depth = 0): ts.Expression | undefined {
  if (!e || depth > 6) return undefined;
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return invokeBody(bindings, bindings.constInitializer(u.text, u), depth + 1);
  if (!ts.isCallExpression(u) || !u.arguments[0] || ts.isSpreadElement(u.arguments[0])) return undefined;
  const name = calleeChain(u.expression)?.join('.');
  if (name === 'JSON.stringify') return u.arguments[0];
  if (name === 'Buffer.from' || name?.endsWith('.encode')) return invokeBody(bindings, u.arguments[0], depth + 1);
  return undefined;
}

/**
 * `new InvokeModelCommand({ modelId, body })` (and its streaming form): the limit is read from the
 * JSON body in its model family's spelling and place (bedrockBodyLimit). A body this cannot read is
 * unknown; a family it does not judge (an embedding, an unlisted vendor) is no call at all.
 */
function bedrockInvoke(sf: ts.SourceFile, bindings: FileBindings, node: ts.CallExpression | ts.NewExpression, chain: string[]): DetectedCall | undefined {
  const call: DetectedCall = {
    api: 'bedrock-invoke',
    callee: `${ts.isNewExpression(node) ? 'new ' : ''}${calleeText(chain)}`,
    start: node.expression.getStart(sf),
    end: node.expression.end,
    limit: 'unknown',
    messages: [],
    placeholders: 0,
  };
  const strings = new Strings(bindings);
  const input = node.arguments?.[0] && !ts.isSpreadElement(node.arguments[0]) ? bindings.resolve(node.arguments[0]) : undefined;
  const model = input && input.fixable !== false ? modelValue(bindings, strings, propValue(findProp(input.props, ['modelId']))) : undefined;
  if (model && model.placeholders === 0) call.model = model.text;
  const bodyExpr = input && input.fixable !== false ? invokeBody(bindings, propValue(findProp(input.props, ['body']))) : undefined;
  const body = bodyExpr ? bindings.resolve(bodyExpr) : undefined;
  const keys = new Set([...(body?.props.map(propName) ?? []), ...(body?.assigned ?? [])].filter((k): k is string => k !== undefined));
  // A modelId the file does not show and a body it cannot read: nothing says this is a text model.
  const family = bedrockBodyLimit(call.model, keys);
  if (!family) return undefined;
  if (!body || body.fixable === false) {
    call.placeholders = 1;
    call.argumentsHidden = true;
    return call;
  }
  collectPrompt(body.props, sf, strings, bindings, call);
  // Titan's prompt is `inputText`.
  const inputText = propValue(findProp(body.props, ['inputText']));
  const prompt = inputText ? strings.value(inputText) : undefined;
  if (prompt) {
    call.messages.push({ role: 'user', text: prompt.text, start: prompt.node.getStart(sf), end: prompt.node.end });
    call.placeholders += prompt.placeholders;
  } else if (inputText) call.placeholders += 1;
  if (body.opaque) {
    call.argumentsHidden = true;
    if (call.messages.length === 0 && call.placeholders === 0) call.placeholders = 1;
  }
  const container = family.inside ? propValue(findProp(body.props, [family.inside])) : undefined;
  const cfg = family.inside ? (container ? bindings.resolve(container) : undefined) : body;
  const givenProp = cfg ? findProp(cfg.props, [...family.keys]) : undefined;
  const value = numberValue(bindings, propValue(givenProp));
  const fixLimit = settleBedrockLimit(
    call,
    family,
    {
      // A key assigned later (`body.max_tokens = 512`) is written too, with a value this does not read.
      ...((givenProp || (cfg && family.keys.some((k) => cfg.assigned.has(k)))) && {
        given: { ...(value !== undefined && { value }), sendsNone: givenProp !== undefined && isNoLimit(givenProp) },
      }),
      // A config built where this cannot see, or spread in: whether it sets the limit is not known.
      hidden: Boolean((family.inside && container && !cfg) || body.opaque || cfg?.opaque),
      thinking: () => thinkingBudget(bindings, strings, body.props),
    },
    cfg?.fixable !== false,
  );
  if (fixLimit === undefined) return call;
  const prop = `${family.key}: ${fixLimit}`;
  const at = cfg ? insertProperty(sf, cfg.target, prop) : insertProperty(sf, body.target, `${family.inside}: { ${prop} }`);
  call.insertion = { ...at, title: `Add ${family.key}: ${fixLimit}`, limit: fixLimit };
  return call;
}

function inspectCall(sf: ts.SourceFile, bindings: FileBindings, node: ts.CallExpression | ts.NewExpression, api: CallApi, chain: string[], framework?: FrameworkCall): DetectedCall {
  const isNew = ts.isNewExpression(node);
  const callee = `${isNew ? 'new ' : ''}${calleeText(chain)}`;
  const call: DetectedCall = { api, callee, start: node.expression.getStart(sf), end: node.expression.end, limit: 'unknown', messages: [], placeholders: 0 };
  const strings = new Strings(bindings);
  const args = node.arguments ?? [];
  const classKey = framework ? undefined : classLimitKey(chain, 'typescript');
  let key = framework ? framework.key : (classKey ?? limitKeyFor(api, 'typescript'));
  const insertion = (limit: number | undefined, at: (prop: string) => { offset: number; newText: string }): DetectedCall['insertion'] =>
    limit === undefined ? undefined : { ...at(`${key}: ${limit}`), title: `Add ${key}: ${limit}`, limit };
  if (framework?.argument !== undefined) return optionsArgumentCall(sf, bindings, node, call, framework, insertion);
  if (!isNew && chain[chain.length - 1] === 'initChatModel') return initChatModelCall(sf, bindings, strings, args, call);
  // `new ConverseCommand({ messages, … })` is the request itself, not a model configured for later calls.
  const constructs = framework ? framework.kind === 'configures' : (isNew && api !== 'bedrock-converse') || api === 'google-legacy';

  if (!args[0]) {
    // `new ChatOpenAI()` sends no limit (unless bound later); a call with no arguments at all we cannot judge.
    if (isNew) {
      const bound = boundLimit(bindings, node, chain);
      if (bound) return Object.assign(call, bound);
      call.limit = 'missing';
      // `new ChatOpenAI` without parentheses gets its argument list; otherwise the object goes inside `(…)`.
      const open = node.arguments ? sf.text.indexOf('(', (node.typeArguments ?? node.expression).end) : -1;
      const at = (prop: string) => (open >= 0 ? { offset: open + 1, newText: `{ ${prop} }` } : { offset: node.end, newText: `({ ${prop} })` });
      const ins = insertion(suggestedLimit('none', { reasons: false }), at);
      if (ins) call.insertion = ins;
      if (api === 'langchain-anthropic') langchainJsAnthropicDefault(call);
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

  const modelProp = propValue(findProp(props, framework ? [...framework.modelKeys] : MODEL_KEYS));
  // Frameworks built on the AI SDK name the model the same way (`model: openai('gpt-4o')`).
  const model = modelValue(bindings, strings, api === 'ai-sdk' || framework ? aiSdkModelId(bindings, modelProp) : modelProp);
  const writtenModel = model && model.placeholders === 0 && !branches ? model.text : undefined;
  if (writtenModel) call.model = framework ? normaliseModelName(writtenModel) : writtenModel;
  const target = api.startsWith('openai-') ? clientEndpoint(bindings, strings, node.expression) : undefined;
  // On Azure the deployment is the model the request reaches when the call names none.
  if (!call.model && !branches && target?.deployment) call.model = target.deployment;
  // What the model can produce, and whether it spends reasoning tokens out of the limit.
  const modelFacts = { max: call.model ? maxOutputTokens(call.model) : undefined, reasons: call.model ? reasonsByDefault(call.model) : false };
  const endpoint = api === 'openai-chat' ? target?.kind : undefined;
  // A Groq / Together client, or an OpenAI client whose base URL is another provider's API, bills at its provider's rates.
  const provider = api.startsWith('openai-') ? (sdkProvider(calleeModules(bindings, node.expression)) ?? target?.provider) : undefined;
  if (provider) call.provider = provider;
  if (!framework && !classKey) key = limitKeyForModel(api, 'typescript', call.model, call.model ? modelProvider(call.model) : undefined, endpoint ? { kind: endpoint, reasons: modelFacts.reasons } : undefined);
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
    'bedrock-converse': { names: ['inferenceConfig'], add: 'inferenceConfig' },
  };
  const where = framework?.inside ? { names: [framework.inside], add: framework.inside } : nested[api];
  if (framework) {
    // The framework's own default, where it has one, decides last.
    const settled = where ? nestedLimit(sf, bindings, call, resolved, where, insertion, modelFacts) : undefined;
    if (!settled) {
      const { noneLimit, ...scan } = scanLimit(resolved);
      Object.assign(call, scan, scan.limit === 'missing' ? mergedOptionsLimit(bindings, props) : undefined);
      const fixLimit = suggestedLimit('none', modelFacts);
      if (fixLimit !== undefined) call.suggested = fixLimit;
      const ins = insertion(fixLimit, (prop) => insertProperty(sf, resolved.target, prop));
      if (call.limit === 'missing' && resolved.fixable !== false && !noneLimit && ins) call.insertion = ins;
    }
    return settleFrameworkCall(call, framework, writtenModel, () => boundLimit(bindings, node, chain));
  }
  if (where) {
    nestedLimit(sf, bindings, call, resolved, where, insertion, modelFacts);
    return call.limit === 'missing' && perRequestConfig(bindings, node, api) ? Object.assign(call, { limit: 'unknown', insertion: undefined }) : call;
  }
  const { noneLimit, ...scan } = scanLimit(resolved);
  Object.assign(call, scan, scan.limit === 'missing' ? mergedOptionsLimit(bindings, props, overwrittenKey(chain[chain.length - 1], call.model)) : undefined);
  const fixLimit = suggestedLimit(thinkingBudget(bindings, strings, props), modelFacts);
  if (fixLimit !== undefined) call.suggested = fixLimit;
  if (api === 'ai-sdk' && call.limit === 'missing') {
    const viaProvider = providerOptionsLimit(bindings, props);
    if (viaProvider) return Object.assign(call, viaProvider);
    // The Anthropic API requires max_tokens, so @ai-sdk/anthropic (and Vertex's Anthropic provider,
    // built on it) fills one in: the model's maximum output since 3.0, 4,096 before. No bound on
    // cost, so still a finding, but the message says what is sent.
    if ([...aiSdkProviderModules(bindings, modelProp)].some((m) => /^@ai-sdk\/(anthropic|google-vertex\/anthropic)$/.test(m)))
      call.note = "@ai-sdk/anthropic then sends the model's maximum output as max_tokens, 4,096 before its 3.0";
  }
  if (api === 'ai-sdk') {
    const major = aiSdkMajorOf(sf);
    if (major !== undefined) {
      key = major >= 5 ? 'maxOutputTokens' : 'maxTokens';
      // In TypeScript the compiler already rejects the other spelling in an argument literal
      // ("Object literal may only specify known properties"); JavaScript sends it, unread.
      const kind = scriptKind(sf.fileName);
      const js = kind === ts.ScriptKind.JS || kind === ts.ScriptKind.JSX;
      const other = key === 'maxOutputTokens' ? 'maxTokens' : 'maxOutputTokens';
      const note = () => (major >= 5 ? `AI SDK ${major} does not read ${other}: since AI SDK 5 it is ${key}` : `AI SDK ${major} does not read ${other}, only ${key}`);
      const renamed = js ? unreadLimit(bindings, resolved, key, [other], note, fixLimit) : undefined;
      if (renamed) return Object.assign(call, renamed);
    }
  }
  if (classKey) {
    const others = [...OUTPUT_LIMIT_KEYS].filter((k) => k !== classKey);
    const renamed = unreadLimit(bindings, resolved, classKey, others, (other) => `${chain[chain.length - 1]} does not read ${other}, only ${classKey}`, fixLimit);
    // A limit bound afterwards (`.bind({ numPredict: 300 })`) is sent with every call: the unread key does not matter then.
    const bound = renamed?.limit === 'missing' && isNew ? boundLimit(bindings, node, chain) : undefined;
    if (bound) return Object.assign(call, { outputLimit: undefined }, bound);
    if (renamed) return Object.assign(call, renamed);
  }
  if (call.limit === 'missing' && isNew) {
    const bound = boundLimit(bindings, node, chain);
    if (bound) return Object.assign(call, bound);
  }
  if (api === 'openai-completions') legacyCompletions(call);
  if (api === 'langchain-anthropic') langchainJsAnthropicDefault(call);
  // With `max_tokens: null` in place, a second max_tokens property would be a duplicate key.
  const ins = insertion(fixLimit, (prop) => insertProperty(sf, resolved.target, prop));
  if (call.limit === 'missing' && resolved.fixable !== false && !noneLimit && ins) call.insertion = ins;
  return call;
}

/**
 * LangChain JS `initChatModel(model, fields)`: the model is the first argument; the fields, passed to
 * the provider's chat model class, the second. A limit in the fields counts. Without one, only an
 * OpenAI model is known to send none (`maxTokens` is ChatOpenAI's spelling); ChatAnthropic sends its
 * own default; other classes spell the limit their own way (unknown). `configurableFields` lets each
 * request's config set the limit: unknown.
 */
function initChatModelCall(sf: ts.SourceFile, bindings: FileBindings, strings: Strings, args: readonly ts.Expression[], call: DetectedCall): DetectedCall {
  const [modelArg, fieldsArg] = args;
  const model = modelArg && !ts.isSpreadElement(modelArg) ? modelValue(bindings, strings, modelArg) : undefined;
  if (model && model.placeholders === 0) call.model = normaliseModelName(model.text);
  if (!modelArg || args.some((a) => ts.isSpreadElement(a))) return call;
  const fields = fieldsArg ? bindings.resolve(fieldsArg) : undefined;
  if ((fieldsArg && !fields) || (fields && findProp(fields.props, ['configurableFields']))) return call;
  const { noneLimit, ...scan } = fields ? scanLimit(fields) : { limit: 'missing' as const, noneLimit: undefined };
  Object.assign(call, scan);
  if (call.limit !== 'missing') return call;
  const named = model && model.placeholders === 0 ? /^([a-z_-]+):/.exec(model.text)?.[1] : undefined;
  const given = fields ? strings.value(propValue(findProp(fields.props, ['modelProvider']))) : undefined;
  const provider = given ? given.text : (named ?? (call.model ? modelProvider(call.model) : undefined));
  if (provider === 'anthropic') {
    langchainJsAnthropicDefault(call);
    return call;
  }
  if (provider !== 'openai' && provider !== 'azure_openai') {
    call.limit = 'unknown';
    return call;
  }
  const fixLimit = suggestedLimit('none', { max: call.model ? maxOutputTokens(call.model) : undefined, reasons: call.model ? reasonsByDefault(call.model) : false });
  if (fixLimit === undefined) return call;
  call.suggested = fixLimit;
  if (noneLimit || fields?.fixable === false) return call;
  const at = fields ? insertProperty(sf, fields.target, `maxTokens: ${fixLimit}`) : { offset: modelArg.end, newText: `, { maxTokens: ${fixLimit} }` };
  call.insertion = { ...at, title: `Add maxTokens: ${fixLimit}`, limit: fixLimit };
  return call;
}

/**
 * A limit written in a spelling the callee does not read sends no limit at all: AI SDK 5 renamed
 * `maxTokens` to `maxOutputTokens` and 4 knows only `maxTokens`; LangChain's ChatOllama reads only
 * `numPredict` (`maxTokens` is not one of its fields). When such spellings are the only limit given,
 * the call is missing one, and the fix renames the key (its value kept).
 */
function unreadLimit(
  bindings: FileBindings,
  resolved: ResolvedObject,
  key: string,
  others: readonly string[],
  note: (other: string) => string,
  fixLimit: number | undefined,
): Partial<DetectedCall> | undefined {
  const wrong = findProp(resolved.props, [...others]);
  if (!wrong?.name || isNoLimit(wrong) || findProp(resolved.props, [key]) || resolved.assigned.has(key) || others.some((o) => resolved.assigned.has(o))) return undefined;
  const other = propName(wrong)!;
  const sf = wrong.getSourceFile();
  const value = numberValue(bindings, propValue(wrong));
  const limit = value ?? fixLimit;
  const out: Partial<DetectedCall> = {
    // A spread may still bring the right key.
    limit: resolved.opaque ? 'unknown' : 'missing',
    outputLimit: undefined,
    note: note(other),
  };
  if (out.limit === 'missing' && resolved.fixable !== false && limit !== undefined)
    out.insertion = {
      offset: wrong.name.getStart(sf),
      end: wrong.name.end,
      // `{ maxTokens }` (shorthand) keeps its variable as the value.
      newText: ts.isShorthandPropertyAssignment(wrong) ? `${key}: ${other}` : key,
      title: `Rename ${other} to ${key}`,
      limit,
    };
  return out;
}
