/**
 * This extension's build identity: the same value scripts/build.mjs gives the proxy bundle it ships
 * (proxy/src/version.ts `BUILD`, reported by /healthz as `build`). Absent when running from sources.
 */
declare const __TOLLGATE_BUILD__: string | undefined;
export const EXTENSION_BUILD: string | undefined = typeof __TOLLGATE_BUILD__ === 'string' && __TOLLGATE_BUILD__ ? __TOLLGATE_BUILD__ : undefined;

/**
 * Whether a proxy that says `theirs` (and maybe `theirBuild`) is another build than ours: another
 * version, or the same version from other sources (a dev build left running). A proxy from before
 * build identities (no `build`), or an extension that does not know its own, compares by version only.
 */
export function isOtherBuild(ours: { version?: string | undefined; build?: string | undefined }, theirs: { version?: string | undefined; build?: string | undefined }): boolean {
  if (!ours.version || !theirs.version) return false;
  if (theirs.version !== ours.version) return true;
  return ours.build !== undefined && theirs.build !== undefined && theirs.build !== ours.build;
}

/** "0.1.0", or "0.1.0 (build 1a2b3c4d5e6f)" when the build is known. */
export function describeBuild(version: string, build: string | undefined): string {
  return build ? `${version} (build ${build})` : version;
}

/** Both sides of an isOtherBuild difference for a message: builds named only when the versions are the same. */
export function describeBoth(ours: { version: string; build?: string | undefined }, theirs: { version: string; build?: string | undefined }): { ours: string; theirs: string } {
  const same = ours.version === theirs.version;
  return { ours: describeBuild(ours.version, same ? ours.build : undefined), theirs: describeBuild(theirs.version, same ? theirs.build : undefined) };
}
