/**
 * The text an OpenAI model reads for a request's function tools. OpenAI does not send the model the
 * tools' JSON: it renders them as a TypeScript-like namespace in the system message, the form its
 * open-weight models document (github.com/openai/harmony, `template_tools_section`):
 *
 *     # Tools
 *
 *     ## functions
 *
 *     namespace functions {
 *
 *     // Get the current weather in a given location
 *     type get_current_weather = (_: {
 *     // The city and state, e.g. San Francisco, CA
 *     location: string,
 *     unit?: "celsius" | "fahrenheit",
 *     }) => any;
 *
 *     } // namespace functions
 *
 * Counted as their JSON, tools with enums and short schemas were under what OpenAI bills (20 tools
 * with an 8-value enum: 5 % under; a tool without parameters, 14 tokens for 22). Schema keywords this
 * rendering does not know are kept as their JSON in a comment, so a schema is never counted as less
 * than it may be rendered. Other models (and OpenAI's hosted tools) keep the JSON count. Pure.
 */
import { encodingForModel } from './models';

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The system message tools are put in when the request has none: its start, role, separator and
 * end tokens (tokens/chat.ts: 3 per message, and the role). With a system or developer message
 * the tools are appended to it (the cookbook's example: the tools add 68 tokens to 33, no message).
 */
export const TOOL_MESSAGE_TOKENS = 4;

/** Keywords the rendering writes (or, like `additionalProperties: false` and `strict`, does not bill). */
const RENDERED = new Set(['type', 'description', 'enum', 'const', 'items', 'properties', 'required', 'title', 'default', 'examples', 'oneOf', 'anyOf', 'nullable', 'strict']);

/** A schema's keywords the rendering does not write, as JSON comments: never counted as less than they may cost. */
function unrendered(schema: Schema): string {
  const rest = Object.entries(schema).filter(([k, v]) => !RENDERED.has(k) && !(k === 'additionalProperties' && typeof v === 'boolean'));
  return rest.length ? ` // ${rest.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(' ')}` : '';
}

/** A JSON schema as the TypeScript type OpenAI writes for it (harmony's `json_schema_to_typescript`). */
function typeOf(schema: unknown, indent: string): string {
  if (!isObject(schema)) return 'any';
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(variants)) return variants.map((v) => `\n${indent} | ${typeOf(v, `${indent}   `)}${isObject(v) && typeof v.description === 'string' ? ` // ${v.description}` : ''}`).join('');
  const type = schema.type;
  if (Array.isArray(type)) return type.map((t) => (t === 'integer' ? 'number' : String(t))).join(' | ');
  switch (type) {
    case 'object':
      return objectType(schema, indent);
    case 'array':
      return schema.items === undefined ? 'Array<any>' : `${typeOf(schema.items, indent)}[]`;
    case 'integer':
      return 'number';
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return type;
    default:
      return 'any';
  }
}

function objectType(schema: Schema, indent: string): string {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  let out = '{\n';
  for (const [key, prop] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
    const p = isObject(prop) ? prop : {};
    if (typeof p.title === 'string') out += `${indent}// ${p.title}\n${indent}//\n`;
    if (typeof p.description === 'string') out += `${indent}// ${p.description}\n`;
    if (Array.isArray(p.examples)) out += `${indent}// Examples:\n${p.examples.map((e) => `${indent}// - ${JSON.stringify(e)}\n`).join('')}`;
    const nullable = p.nullable === true ? ' | null' : '';
    const dflt = 'default' in p ? ` // default: ${JSON.stringify(p.default)}` : '';
    out += `${indent}${key}${required.has(key) ? '' : '?'}: ${typeOf(p, `${indent}    `)}${nullable},${dflt}${unrendered(p)}\n`;
  }
  return `${out}${indent}}`;
}

interface FunctionTool {
  name: string;
  description?: unknown;
  parameters?: unknown;
}

/** A function tool in chat's shape (`{type, function}`), the Responses API's (`{type, name, parameters}`) or legacy `functions`' (`{name, parameters}`). */
function functionOf(tool: unknown, legacy: boolean): FunctionTool | undefined {
  if (!isObject(tool)) return undefined;
  const fn = tool.type === 'function' && isObject(tool.function) ? tool.function : tool.type === 'function' || legacy ? tool : undefined;
  return fn && typeof fn.name === 'string' ? (fn as unknown as FunctionTool) : undefined;
}

function renderFunction(fn: FunctionTool): string {
  const comment = typeof fn.description === 'string' && fn.description ? fn.description.split('\n').map((line) => `// ${line}\n`).join('') : '';
  // No properties: `() => any`, as for no parameters (OpenAI bills `{"type":"object","properties":{}}` so).
  const p = fn.parameters;
  const params = isObject(p) && (!isObject(p.properties) || Object.keys(p.properties).length || unrendered(p)) ? `_: ${typeOf(p, '')}${unrendered(p)}` : '';
  return `${comment}type ${fn.name} = (${params}) => any;\n`;
}

/** Whether the request has a system or developer message (or Responses `instructions`) the tools are appended to. */
function hasSystemMessage(body: Schema): boolean {
  if (typeof body.instructions === 'string' && body.instructions) return true;
  const turns = [...(Array.isArray(body.messages) ? body.messages : []), ...(Array.isArray(body.input) ? body.input : [])];
  return turns.some((m) => isObject(m) && (m.role === 'system' || m.role === 'developer'));
}

/**
 * The input a request's tool definitions (`tools`, and chat's legacy `functions`) and its tool choice
 * add, for the token counter: `texts` to count, and `tokens` already counted (the system message they
 * need when the request has none). For an OpenAI model, function tools as the model reads them
 * (above); hosted tools, and every tool of other models, as their JSON.
 */
export function toolDefinitionInput(model: string, body: Schema): { texts: string[]; tokens: number } {
  const texts: string[] = [];
  const lists = [
    [body.tools, false],
    [body.functions, true],
  ] as const;
  if (!encodingForModel(model).exact) {
    for (const [list] of lists) if (Array.isArray(list)) texts.push(JSON.stringify(list));
    return { texts, tokens: 0 };
  }
  const functions: FunctionTool[] = [];
  for (const [list, legacy] of lists) {
    if (!Array.isArray(list)) continue;
    const others = list.filter((t) => {
      const fn = functionOf(t, legacy);
      if (fn) functions.push(fn);
      return !fn;
    });
    if (others.length) texts.push(JSON.stringify(others));
  }
  if (!functions.length) return { texts, tokens: 0 };
  const system = hasSystemMessage(body);
  texts.push(`${system ? '\n\n' : ''}# Tools\n\n## functions\n\nnamespace functions {\n\n${functions.map(renderFunction).join('\n')}\n} // namespace functions`);
  // A function forced by `tool_choice` (chat's `{function: {name}}`, the Responses API's `{name}`) or
  // legacy `function_call` is named in the prompt, 4 tokens and its name; "none" is 1 token (the API's
  // prompt_tokens for gpt-3.5-turbo and one tool `foo`: 31, 36 forcing `foo`, 32 with "none";
  // github.com/hmarr/openai-chat-tokens, tests). Uncounted, a forced call's reservation was under the bill.
  const choice = body.tool_choice ?? body.function_call;
  const forced = isObject(choice) ? (isObject(choice.function) ? choice.function : choice).name : undefined;
  if (typeof forced === 'string') texts.push(forced);
  return { texts, tokens: (system ? 0 : TOOL_MESSAGE_TOKENS) + (typeof forced === 'string' ? 4 : choice === 'none' ? 1 : 0) };
}
