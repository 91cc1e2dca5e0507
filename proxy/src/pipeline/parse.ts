/**
 * Parse stage: the raw body (already size-limited by the router) becomes a JSON object, or the
 * client gets a provider-style 400 that says what is wrong.
 */
import { isUtf8 } from 'node:buffer';
import { DEPLOYMENT_PARAM } from '../providers/azure';
import { arr, nestsDeeperThan, obj, type Json } from '../providers/types';
import type { Stage } from './context';
import { failCall } from './errors';

const MAX_DEPTH = 64;
const MAX_MODEL_CHARS = 256;

export const parseBody: Stage = async (ctx, next) => {
  if (ctx.endpoint.method === 'GET') {
    ctx.body = {};
    return next();
  }
  const raw: unknown = ctx.req.body;
  // Decoding would turn invalid bytes into U+FFFD silently: two different bodies would then be one
  // request upstream and one exact-cache key.
  if (Buffer.isBuffer(raw) && !isUtf8(raw)) return failCall(ctx, 400, 'invalid_request_error', 'We could not parse the JSON body of your request: it is not valid UTF-8 (JSON must be sent as UTF-8).');
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') return failCall(ctx, 400, 'invalid_request_error', 'The request body is empty; expected a JSON object.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return failCall(ctx, 400, 'invalid_request_error', `We could not parse the JSON body of your request: ${(err as Error).message}`);
  }
  const body = obj(parsed);
  if (!body) return failCall(ctx, 400, 'invalid_request_error', 'The request body must be a JSON object.');
  if (nestsDeeperThan(body, MAX_DEPTH)) return failCall(ctx, 400, 'invalid_request_error', `The request body is nested deeper than ${MAX_DEPTH} levels.`);
  ctx.body = body;
  if (ctx.endpoint.azureDeployment) {
    // Azure answers from the deployment in the path, whatever the body's `model` says (the SDK's
    // `deployment` option makes the two differ; LangChain sends none): the deployment is the model
    // the call is keyed, recorded and budgeted under, and the body carries it so two deployments
    // asked the same body are two cache entries. Azure ignores the field on these routes.
    const deployment = ctx.req.params[DEPLOYMENT_PARAM] ?? '';
    if (deployment.trim() === '') return failCall(ctx, 400, 'invalid_request_error', 'The deployment name in the path is empty.');
    if (deployment.length > MAX_MODEL_CHARS) return failCall(ctx, 400, 'invalid_request_error', `The deployment name is ${deployment.length} characters long; Tollgate accepts at most ${MAX_MODEL_CHARS}.`);
    ctx.modelRequested = ctx.modelUsed = body.model = deployment;
  } else if (ctx.endpoint.billable || ctx.endpoint.id === 'messages.count_tokens') {
    if (typeof body.model !== 'string' || body.model.trim() === '') {
      return failCall(ctx, 400, 'invalid_request_error', 'you must provide a model parameter');
    }
    ctx.modelRequested = ctx.modelUsed = body.model;
    // Model ids are short; a megabyte "model" only costs CPU downstream (routing, pricing lookups).
    if (body.model.length > MAX_MODEL_CHARS) return failCall(ctx, 400, 'invalid_request_error', `The model name is ${body.model.length} characters long; Tollgate accepts at most ${MAX_MODEL_CHARS}.`);
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    return failCall(ctx, 400, 'invalid_request_error', "'stream' must be a boolean");
  }
  ctx.stream = body.stream === true && ctx.endpoint.assembler !== undefined;
  ctx.clientWantsUsage = obj(body.stream_options)?.include_usage === true;
  ctx.lastUserText = lastUserText(body);
  ctx.promptPreview = ctx.lastUserText?.slice(0, 200);
  await next();
};

/** The text of a message's content: a string, or the text parts of a parts array joined by newlines. */
export function partsText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  const texts = arr(content)
    .map((p) => obj(p))
    .filter((p): p is Json => !!p && typeof p.text === 'string')
    .map((p) => p.text as string);
  return texts.length ? texts.join('\n') : undefined;
}

/** Text of the last user turn across chat, messages, responses, completions and embeddings bodies. */
export function lastUserText(body: Json): string | undefined {
  const messages = arr(body.messages);
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = obj(messages[i]);
    if (m?.role === 'user') return partsText(m.content);
  }
  if (typeof body.input === 'string') return body.input;
  const input = arr(body.input);
  for (let i = input.length - 1; i >= 0; i--) {
    const it = input[i];
    if (typeof it === 'string') return it;
    const m = obj(it);
    if (m?.role === 'user') return partsText(m.content);
  }
  // A legacy completions prompt: a string, or a list of them (token ids have no text).
  if (typeof body.prompt === 'string') return body.prompt;
  return arr(body.prompt).findLast((p): p is string => typeof p === 'string');
}
