/**
 * Worker thread that counts tokens with js-tiktoken. Building an encoder parses ~1 MB of ranks
 * and takes a second or more: done here, it never stalls the proxy's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { countChatTokens, countTextTokens, type ChatMessageLike } from '../tokens/count';

export type TokenCountRequest = { id: number; model: string; messages?: ChatMessageLike[]; texts?: string[] } | { id: number; warm: string[] };
export type TokenCountReply = { id: number; tokens: number; exact: boolean } | { id: number; error: string };

parentPort?.on('message', (msg: TokenCountRequest) => {
  try {
    if ('warm' in msg) {
      for (const model of msg.warm) countTextTokens('warm', model);
      parentPort?.postMessage({ id: msg.id, tokens: 0, exact: true } satisfies TokenCountReply);
      return;
    }
    let tokens = 0;
    let exact = true;
    if (msg.messages?.length) {
      const c = countChatTokens(msg.messages, msg.model);
      tokens += c.tokens;
      exact &&= c.exact;
    }
    for (const t of msg.texts ?? []) {
      const c = countTextTokens(t, msg.model);
      tokens += c.tokens;
      exact &&= c.exact;
    }
    parentPort?.postMessage({ id: msg.id, tokens, exact } satisfies TokenCountReply);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error).message } satisfies TokenCountReply);
  }
});
