/** Tollgate's version, injected by the bundler; "dev" when running from sources. */
declare const __TOLLGATE_VERSION__: string | undefined;
export const VERSION: string = typeof __TOLLGATE_VERSION__ === 'string' ? __TOLLGATE_VERSION__ : '0.1.0-dev';
