/**
 * Finds LLM calls in Python with tree-sitter (web-tree-sitter + the tree-sitter-python wasm grammar)
 * and reads keyword arguments: output limit, model and literal prompt text. `**kwargs` and
 * positional dicts we cannot see make the limit unknown, never "missing".
 */
import type { Node, Parser } from 'web-tree-sitter';
import { classifyCallee, limitKeyFor, OUTPUT_LIMIT_KEYS, type CallApi, type DetectedCall } from './llm-call';
import { resolveWasmFiles } from './wasm-dir';

let parserPromise: Promise<Parser> | undefined;
let parserDir: string | undefined;

/** One parser per process (loading the grammar costs more than parsing a file). */
export function pythonParser(wasmDir?: string): Promise<Parser> {
  if (parserPromise && parserDir === (wasmDir ?? '')) return parserPromise;
  parserDir = wasmDir ?? '';
  parserPromise = (async () => {
    const files = resolveWasmFiles(wasmDir);
    if (!files) throw new Error('tree-sitter wasm files not found (set analysis wasmDir)');
    // Imported here so bundles that keep web-tree-sitter external only load it when Python is analysed.
    const { Language, Parser } = await import('web-tree-sitter');
    await Parser.init({ locateFile: () => files.runtime });
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
  for (const c of named(node)) {
    if (c.type === 'string_content' || c.type === 'escape_sequence') text += c.text;
    else if (c.type === 'interpolation') placeholders++;
  }
  return { text, placeholders };
}

interface KwArgs {
  keywords: Map<string, Node>;
  opaque: boolean;
  argList: Node;
}

function readArgs(argList: Node): KwArgs {
  const keywords = new Map<string, Node>();
  let opaque = false;
  for (const a of named(argList)) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      const value = a.childForFieldName('value');
      if (name && value) keywords.set(name.text, value);
    } else if (a.type === 'dictionary_splat' || a.type === 'list_splat') opaque = true;
  }
  return { keywords, opaque, argList };
}

function dictKeys(dict: Node): { keys: Map<string, Node>; opaque: boolean } {
  const keys = new Map<string, Node>();
  let opaque = false;
  for (const p of named(dict)) {
    if (p.type === 'pair') {
      const k = stringValue(p.childForFieldName('key'));
      const v = p.childForFieldName('value');
      if (k && v) keys.set(k.text, v);
      else opaque = true;
    } else opaque = true; // **spread or comprehension
  }
  return { keys, opaque };
}

function limitFrom(entries: Map<string, Node>, opaque: boolean): Pick<DetectedCall, 'limit' | 'outputLimit'> {
  for (const [k, v] of entries) {
    if (OUTPUT_LIMIT_KEYS.has(k)) return v.type === 'integer' ? { limit: 'present', outputLimit: Number(v.text) } : { limit: 'present' };
  }
  return { limit: opaque ? 'unknown' : 'missing' };
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
  return { offset: last.endIndex, newText: `,\n${indent}${entry}` };
}

function collectPrompt(kw: Map<string, Node>, call: DetectedCall): void {
  const add = (role: string, node: Node | undefined) => {
    if (!node) return;
    const s = stringValue(node);
    if (s) {
      call.messages.push({ role, text: s.text, start: node.startIndex, end: node.endIndex });
      call.placeholders += s.placeholders;
    } else call.placeholders += 1;
  };
  add('system', kw.get('system') ?? kw.get('instructions'));
  const list = kw.get('messages') ?? kw.get('input') ?? kw.get('contents');
  if (!list) return;
  if (list.type !== 'list') {
    add('user', list);
    return;
  }
  for (const el of named(list)) {
    if (el.type !== 'dictionary') {
      call.placeholders += 1;
      continue;
    }
    const { keys } = dictKeys(el);
    const role = stringValue(keys.get('role'))?.text ?? 'user';
    const content = keys.get('content');
    if (content?.type === 'list') {
      for (const part of named(content)) add(role, part.type === 'dictionary' ? dictKeys(part).keys.get('text') : undefined);
    } else add(role, content);
  }
}

export async function findPythonCalls(text: string, wasmDir?: string): Promise<DetectedCall[]> {
  const parser = await pythonParser(wasmDir);
  const tree = parser.parse(text);
  if (!tree) return [];
  const calls: DetectedCall[] = [];
  try {
    for (const node of tree.rootNode.descendantsOfType('call')) {
      if (!node) continue;
      const fn = node.childForFieldName('function');
      const chain = chainOf(fn);
      const api = chain ? classifyCallee(chain, false) : undefined;
      const argList = node.childForFieldName('arguments');
      if (!api || !chain || !fn || !argList || argList.type !== 'argument_list') continue;
      calls.push(inspectCall(text, api, chain, fn, readArgs(argList)));
    }
  } finally {
    tree.delete();
  }
  return calls;
}

function inspectCall(source: string, api: CallApi, chain: string[], fn: Node, args: KwArgs): DetectedCall {
  const call: DetectedCall = { api, callee: chain.join('.'), start: fn.startIndex, end: fn.endIndex, limit: 'unknown', messages: [], placeholders: 0 };
  const model = stringValue(args.keywords.get('model') ?? args.keywords.get('model_name'));
  if (model && model.placeholders === 0) call.model = model.text;
  collectPrompt(args.keywords, call);
  // **kwargs or a positional argument may carry the prompt: count that unknown content as a placeholder.
  const hidden = args.opaque || named(args.argList).some((a) => a.type !== 'keyword_argument');
  if (call.messages.length === 0 && call.placeholders === 0 && hidden) call.placeholders = 1;
  // openai-python < 1.0 (`openai.ChatCompletion.create`) only knows max_tokens.
  const key = chain.includes('ChatCompletion') ? 'max_tokens' : limitKeyFor(api, 'python');
  const title = `Add ${key}=1024`;
  // A positional dict (e.g. `create(params)`) hides the arguments.
  const positional = named(args.argList).some((a) => a.type !== 'keyword_argument' && a.type !== 'dictionary_splat' && a.type !== 'list_splat');
  if (api === 'google-genai') {
    const cfg = args.keywords.get('config') ?? args.keywords.get('generation_config');
    if (!cfg) {
      call.limit = args.opaque ? 'unknown' : 'missing';
      if (call.limit === 'missing') call.insertion = { ...appendAfterLast(args.argList, source, `config={"${key}": 1024}`), title };
    } else if (cfg.type === 'dictionary') {
      const d = dictKeys(cfg);
      Object.assign(call, limitFrom(d.keys, d.opaque));
      if (call.limit === 'missing') call.insertion = { ...appendAfterLast(cfg, source, `"${key}": 1024`), title };
    } else if (cfg.type === 'call') {
      const inner = cfg.childForFieldName('arguments');
      if (inner && inner.type === 'argument_list') {
        const a = readArgs(inner);
        Object.assign(call, limitFrom(a.keywords, a.opaque));
        if (call.limit === 'missing') call.insertion = { ...appendAfterLast(inner, source, `${key}=1024`), title };
      }
    }
    return call;
  }
  Object.assign(call, limitFrom(args.keywords, args.opaque));
  if (call.limit === 'missing' && positional && api !== 'langchain-openai' && api !== 'langchain-anthropic') call.limit = 'unknown';
  if (call.limit === 'missing') call.insertion = { ...appendAfterLast(args.argList, source, `${key}=1024`), title };
  return call;
}
