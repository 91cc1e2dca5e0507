/**
 * Editing a JSON object's text without parsing and re-serialising it: a stream chunk relayed with
 * one top-level member taken out keeps every other byte as the upstream sent it, costs one scan
 * instead of JSON.stringify on every chunk, and cannot fail on a value nested deeper than
 * JSON.stringify recurses. Iterative throughout. The text must be valid JSON (it was parsed).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Index just past the closing quote of the string whose opening quote is at `i`. */
function stringEnd(text: string, i: number): number {
  for (let q = text.indexOf('"', i + 1); ; q = text.indexOf('"', q + 1)) {
    let escapes = 0;
    while (text.charCodeAt(q - 1 - escapes) === BACKSLASH) escapes++;
    if (escapes % 2 === 0) return q + 1;
  }
}

/** JSON whitespace: space, tab, line feed, carriage return. */
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Whether the key string at [start, end) (quotes included) names `name`; an escaped key (`"us\u0061ge"`) as JSON.parse reads it. */
function keyIs(text: string, start: number, end: number, name: string): boolean {
  const length = end - start - 2;
  // An escape spells a character in two or more: only a key longer than the name may be one.
  if (length <= name.length) return length === name.length && text.startsWith(name, start + 1);
  for (let i = start + 1; i < end; i++) if (text.charCodeAt(i) === BACKSLASH) return JSON.parse(text.slice(start, end)) === name;
  return false;
}

/**
 * `text` (a JSON object) without its top-level member(s) named `name`, every other byte unchanged;
 * undefined when it has none (or is no object). A member inside a nested value, or a string that
 * only reads like one, is not touched.
 */
export function withoutMember(text: string, name: string): string | undefined {
  return withoutLastScalar(text, name) ?? withoutMembers(text, name);
}

/**
 * The fast way, for a member that occurs once, has a scalar value and comes late (OpenAI's
 * `"usage":null`, last or next to last): only the text around it is read. Undefined when that is
 * not so, and the whole object is scanned instead.
 */
function withoutLastScalar(text: string, name: string): string | undefined {
  const key = `"${name}"`;
  const at = text.lastIndexOf(key);
  if (at === -1 || text.indexOf(key) !== at || maySpellEscaped(text, name)) return undefined;
  // An escaped quote before it: the end of a longer string (`"say \"usage"`), not this key.
  let escapes = 0;
  while (text.charCodeAt(at - 1 - escapes) === BACKSLASH) escapes++;
  let i = skipSpace(text, at + key.length);
  if (escapes % 2 === 1 || text.charCodeAt(i) !== COLON) return undefined;
  i = skipSpace(text, i + 1);
  const first = text.charCodeAt(i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) return undefined;
  const valueEnd = first === QUOTE ? stringEnd(text, i) : scalarEnd(text, i);
  // Top level only if nothing after the value closes a container before the object's own brace.
  let depth = 0;
  for (let j = valueEnd; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) j = stringEnd(text, j) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth < 0) {
      if (skipSpace(text, j + 1) !== text.length) return undefined;
      break;
    }
  }
  let before = at;
  while (isSpace(text.charCodeAt(before - 1))) before--;
  if (text.charCodeAt(before - 1) === COMMA) {
    // After another member: goes with the separator before it.
    let prevEnd = before - 1;
    while (isSpace(text.charCodeAt(prevEnd - 1))) prevEnd--;
    return text.slice(0, prevEnd) + text.slice(valueEnd);
  }
  // The first member: goes with the separator after it, up to the next key (if any).
  const next = skipSpace(text, valueEnd);
  return text.slice(0, at) + text.slice(text.charCodeAt(next) === COMMA ? skipSpace(text, next + 1) : valueEnd);
}

/** Whether a `\uXXXX` escape in `text` spells a character of `name`: another key may then be the same name, escaped. */
function maySpellEscaped(text: string, name: string): boolean {
  for (let at = text.indexOf('\\u'); at !== -1; at = text.indexOf('\\u', at + 2)) {
    if (name.includes(String.fromCharCode(Number.parseInt(text.slice(at + 2, at + 6), 16)))) return true;
  }
  return false;
}

function skipSpace(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the number, `true`, `false` or `null` at `i`. */
function scalarEnd(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) return i;
  }
  return i;
}

/** The whole-object scan: any member, anywhere in the object, any number of times. */
function withoutMembers(text: string, name: string): string | undefined {
  // Spans to cut, as [from, to) pairs in order. A member after a kept one goes with the separator
  // before it (from the previous member's end); one with no kept member before it goes with the
  // separator after it (up to the next key), so the object's braces keep their own spacing.
  const cuts: number[] = [];
  let depth = 0;
  let expectKey = false;
  let keyStart = -1;
  let target = false;
  let keptBefore = false;
  let lastEnd = -1;
  /** The member whose value ends before `at` (a top-level comma or the closing brace) is complete. */
  const close = (at: number): void => {
    if (keyStart === -1) return;
    let end = at;
    while (isSpace(text.charCodeAt(end - 1))) end--;
    if (target) {
      if (keptBefore) cuts.push(lastEnd, end);
      else cuts.push(keyStart, end); // extended to the next key when one follows
    } else {
      keptBefore = true;
    }
    lastEnd = end;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        // A cut that waits for the next key (a first member) ends where this key starts.
        if (!keptBefore && cuts.length > 0) cuts[cuts.length - 1] = i;
        keyStart = i;
        target = keyIs(text, i, end, name);
        expectKey = false;
      }
      i = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth === 1) expectKey = c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) {
        close(i);
        break;
      }
    } else if (c === COMMA && depth === 1) {
      close(i);
      expectKey = true;
    }
  }
  if (cuts.length === 0) return undefined;
  let out = text.slice(0, cuts[0]);
  for (let k = 0; k < cuts.length; k += 2) out += text.slice(cuts[k + 1], k + 2 < cuts.length ? cuts[k + 2] : text.length);
  return out;
}
