/** Defaults both the CLI and the editor use, so `tollgate lint` and the CodeLens price alike. */

/** Model assumed for a prompt file or call that names none (the extension's `tollgate.defaultModel` default). */
export const DEFAULT_MODEL = 'gpt-4o-mini';

/** Where each lint rule is documented (Problems links a finding's rule id here). */
export const RULE_DOCS_URL = 'https://github.com/tollgate-dev/tollgate/blob/main/docs/analysis.md#rules';
