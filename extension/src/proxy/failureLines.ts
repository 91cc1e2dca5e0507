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
