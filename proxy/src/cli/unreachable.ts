/** A proxy the CLI talks to that does not answer: how to tell, and what to say. Pure. */
/** fetch() could not reach the server at all (refused, DNS, reset), as opposed to an HTTP error answer. */
export function isUnreachable(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}

/** The message for a proxy that is not running or not reachable, for every command that talks to it. */
export function proxyUnreachable(proxy: string, err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return `the Tollgate proxy at ${proxy.replace(/\/+$/, '')} is not reachable (${why}); start it with \`tollgate start\` or pass --proxy.`;
}
