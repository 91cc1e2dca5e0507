/**
 * Why the proxy process stopped, in its own words, for the failure message (the full output is in
 * the "Tollgate" channel): the CLI's failure line ("tollgate: …" and the indented detail under it,
 * e.g. each policy problem), else the first line of an uncaught error ("Error: Cannot find
 * module …"). Its log lines ("[tollgate] …") are not reasons. Pure: fed stderr line by line.
 */
const MAX_LINES = 4;

export class FailureLines {
  private lines: string[] = [];
  private fromCli = false;
  /** Indented lines still belong to the last "tollgate: " line. */
  private open = false;

  push(line: string): void {
    if (line.startsWith('tollgate: ')) {
      this.lines = [line.slice('tollgate: '.length).trim()];
      this.fromCli = true;
      this.open = true;
    } else if (this.open && /^\s+\S/.test(line)) {
      if (this.lines.length < MAX_LINES) this.lines.push(line.trim());
    } else {
      this.open = false;
      if (!this.fromCli && /^(?:[A-Z]\w*)?Error(?: \[\w+\])?: /.test(line)) this.lines = [line.trim()];
      // A usage error, in commander's words ("error: option '-p, --port <port>' argument …").
      else if (!this.fromCli && line.startsWith('error: ')) this.lines = [line.slice('error: '.length).trim()];
    }
  }

  /** The reason without a final full stop (it goes inside a sentence), or undefined when the process said none. */
  get text(): string | undefined {
    return this.lines.length ? this.lines.join(' ').replace(/\.$/, '') : undefined;
  }
}

/**
 * The CLI's refusal of a policy file ("invalid policy: <file>:5:10: budgets.0.usd: …", one entry
 * per problem) as the rest of a sentence that already names the file: each location reads
 * "line 5, column 10: …", and 1:1 — a problem with the whole file, such as a link to a file that
 * is not there — none. Undefined when the CLI said nothing about that file.
 */
export function policyReason(said: string | undefined, file: string): string | undefined {
  const parts = said?.replace(/^invalid policy:\s*/i, '').split(`${file}:`);
  if (!parts || parts.length < 2) return undefined;
  return parts
    .slice(1)
    .map((p) => p.trim().replace(/^1:1:\s*/, '').replace(/^(\d+):(\d+):\s*/, 'line $1, column $2: '))
    .join('; ');
}
