/** Tollgate's version, injected by the bundler; "dev" when running from sources. */
declare const __TOLLGATE_VERSION__: string | undefined;
/** The build's identity (scripts/build.mjs: a hash of the sources it bundled); absent when running from sources. */
declare const __TOLLGATE_BUILD__: string | undefined;
export const VERSION: string = typeof __TOLLGATE_VERSION__ === 'string' ? __TOLLGATE_VERSION__ : '0.1.0-dev';
/**
 * Tells two builds of the same version apart (a dev build left running beside a released one):
 * /healthz reports it as `build`, the extension compares it with its own (supervisor.ts).
 */
export const BUILD: string | undefined = typeof __TOLLGATE_BUILD__ === 'string' && __TOLLGATE_BUILD__ ? __TOLLGATE_BUILD__ : undefined;
/** `tollgate --version`: the semver first, then the build when known ("0.1.0 (build 1a2b3c4d5e6f)"). */
export const VERSION_LINE: string = BUILD ? `${VERSION} (build ${BUILD})` : VERSION;
