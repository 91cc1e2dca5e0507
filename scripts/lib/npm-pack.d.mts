/** See npm-pack.mjs. */
export function packInto(name: string, version: string, dest: string, opts?: { shell?: boolean }): string;
