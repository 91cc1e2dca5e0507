/** `---` YAML front matter at the top of a Markdown/Prompty file, with the body's offset. */
import { parseYaml, type YamlDoc } from './yaml-nodes';

export interface FrontMatter {
  /** The parsed YAML (offsets inside it are relative to `yamlStart`). */
  doc?: YamlDoc;
  yamlStart: number;
  yamlEnd: number;
  /** Offset where the body after the closing `---` starts. */
  bodyStart: number;
}

export function splitFrontMatter(text: string): FrontMatter {
  // A line break is LF, CRLF or a lone CR (classic Mac; the editor hands such text over as it is).
  const open = /^\uFEFF?---[ \t]*(?:\r\n?|\n)/.exec(text);
  // A byte-order mark is not text sent to the model.
  const none = { yamlStart: 0, yamlEnd: 0, bodyStart: text.startsWith('\uFEFF') ? 1 : 0 };
  if (!open) return none;
  const yamlStart = open[0].length;
  const close = /^---[ \t]*$/m;
  const rest = text.slice(yamlStart);
  const m = close.exec(rest);
  if (!m) return none;
  const yamlEnd = yamlStart + m.index;
  let bodyStart = yamlEnd + m[0].length;
  if (text[bodyStart] === '\r') bodyStart++;
  if (text[bodyStart] === '\n') bodyStart++;
  // Lone CRs read as the LFs they stand for (same length: offsets hold).
  return { doc: parseYaml(text.slice(yamlStart, yamlEnd).replace(/\r(?!\n)/g, '\n')), yamlStart, yamlEnd, bodyStart };
}
