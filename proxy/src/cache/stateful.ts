/**
 * Requests whose answer depends on state the provider keeps and changes between calls: the same
 * body sent twice is asked against a different history, so neither cache may answer it, and a
 * hit would also skip the write the provider makes (the turn never joins the conversation).
 *
 *  - Responses API `conversation`: the conversation's items are prepended to the input and this
 *    turn's input and output are appended to it after the answer.
 *  - A container named by id (Anthropic `container`, a Responses `code_interpreter` tool's
 *    `container: "cntr_…"`): its files are whatever earlier calls left there.
 *  - A Responses stored prompt named without a `version` (`prompt: {id}`): it runs whichever
 *    version is current, and its owner can publish a new one under the same request (a pinned
 *    version never changes).
 *
 * `previous_response_id` is not here: a stored response never changes, so the history it names
 * is fixed. Pure: no I/O.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A container named by id: `"cntr_…"`, or Anthropic's `{ id, skills }` (without an id, a fresh one is made). */
const namesContainer = (v: unknown): boolean => (typeof v === 'string' && v !== '') || (isObj(v) && typeof v.id === 'string' && v.id !== '');

/** Why `body` (sent to `endpoint`) must not be answered from or stored in a cache; undefined when it may. */
export function statefulReason(endpoint: string, body: Obj): string | undefined {
  if (endpoint === 'responses') {
    if (body.conversation !== undefined && body.conversation !== null) return 'the request continues a stored conversation';
    if (Array.isArray(body.tools) && body.tools.some((t) => isObj(t) && namesContainer(t.container))) return 'a tool runs in an existing container';
    if (isObj(body.prompt) && body.prompt.id !== undefined && (body.prompt.version === undefined || body.prompt.version === null)) return 'the request runs a stored prompt without a pinned version';
  }
  if (endpoint === 'messages' && namesContainer(body.container)) return 'the request reuses a container';
  return undefined;
}
