/**
 * The oldest version a package.json `engines` range admits, for the tests that must run the
 * packaged CLI on it. Handles the forms this project uses: `>=X.Y.Z`, `^X.Y.Z`, `~X.Y.Z`, `X.Y.Z`,
 * and `||` alternatives (the lowest lower bound wins).
 * @param {string | undefined} range
 * @returns {string | undefined} `X.Y.Z`, or undefined when the range has no lower bound
 */
export function minNodeVersion(range) {
  if (!range) return undefined;
  const bounds = range
    .split('||')
    .map((alt) => /^\s*(?:>=|\^|~|=)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\s|$)/.exec(alt))
    .filter((m) => m !== null)
    .map((m) => [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]);
  if (bounds.length === 0) return undefined;
  bounds.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return bounds[0].join('.');
}
