/** The message of something thrown (an Error's message, else its string form), for logs and fallback reasons. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
