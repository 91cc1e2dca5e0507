/**
 * Worker thread that counts tokens with js-tiktoken. Building an encoder parses ~1 MB of ranks
 * and takes a second or more: done here, it never stalls the proxy's event loop.
 *
 * A long request (a 1M-token document) is counted a part at a time, yielding to the worker's event
 * loop between parts: counted in one go it held every count queued behind it (each budgeted or
 * token-routed call) for seconds. The parts' counts add up to the whole's (tokens/chunks.ts).
 */
import { setImmediate as yieldNow } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import { chatOverheadFor, countMessageTokens, countTextTokens, messageText, textCounter, type ChatMessageLike } from '../tokens/count';
import { countingChunks } from '../tokens/chunks';
import { encodingForModel } from '../tokens/models';

export type TokenCountRequest = { id: number; model: string; messages?: ChatMessageLike[]; texts?: string[] } | { id: number; warm: string[] };
export type TokenCountReply = { id: number; tokens: number; exact: boolean } | { id: number; error: string };

/** Characters counted between two yields (a few milliseconds of work). */
const PART_CHARS = 32 * 1024;

async function countLong(text: string, count: (text: string) => number): Promise<number> {
  const parts = countingChunks(text, PART_CHARS);
  let tokens = 0;
  for (const part of parts) {
    tokens += count(part);
    if (parts.length > 1) await yieldNow();
  }
  return tokens;
}

/** countChatTokens and countTextTokens of tokens/count.ts, a part at a time. */
async function count(msg: { model: string; messages?: ChatMessageLike[]; texts?: string[] }): Promise<{ tokens: number; exact: boolean }> {
  const modelExact = encodingForModel(msg.model).exact;
  const counter = textCounter(msg.model);
  let tokens = 0;
  let exact = true;
  if (msg.messages?.length) {
    tokens += chatOverheadFor(msg.model).replyPriming;
    // countMessageTokens' rule for the role and name; the content a part at a time.
    for (const m of msg.messages) tokens += countMessageTokens({ ...m, content: '' }, msg.model, counter) + (await countLong(messageText(m.content), counter));
    exact &&= modelExact;
  }
  for (const t of msg.texts ?? []) {
    tokens += await countLong(t, counter);
    exact &&= modelExact;
  }
  return { tokens, exact };
}

parentPort?.on('message', (msg: TokenCountRequest) => {
  if ('warm' in msg) {
    try {
      for (const model of msg.warm) countTextTokens('warm', model);
      parentPort?.postMessage({ id: msg.id, tokens: 0, exact: true } satisfies TokenCountReply);
    } catch (err) {
      parentPort?.postMessage({ id: msg.id, error: (err as Error).message } satisfies TokenCountReply);
    }
    return;
  }
  count(msg).then(
    ({ tokens, exact }) => parentPort?.postMessage({ id: msg.id, tokens, exact } satisfies TokenCountReply),
    (err: unknown) => parentPort?.postMessage({ id: msg.id, error: (err as Error).message } satisfies TokenCountReply),
  );
});
