/** See engines.mjs. */
export function minNodeVersion(range: string | undefined): string | undefined;
