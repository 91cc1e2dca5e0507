/**
 * Template comments — Jinja/Nunjucks `{# … #}`, Mustache/Handlebars `{{! … }}` and `{{!-- … --}}` —
 * are dropped by the engine when it renders the prompt, so they are not tokens the model reads: a
 * maintainer's note in one was counted in the CodeLens, and a repeat or a "please" inside one was a
 * finding about text no request carries. A section keeps its file offsets through an OffsetMap that
 * steps over the removed comments; an edit across one is not verbatim, so no fix spans a comment.
 */
import { fencedRanges, inFence, mergeSpans } from '../text/fences';
import type { OffsetMap, PromptSection } from './document';

/** A removed comment: `length` characters of the section text taken out before kept index `at`. */
interface Gap {
  at: number;
  length: number;
}

const MUSTACHE_COMMENT = /\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g;
const JINJA_COMMENT = /\{#[\s\S]*?#\}/g;

/**
 * Comment spans of `text` in source order, with the whitespace the engine removes with them: a
 * Mustache/Handlebars comment alone on its line goes with the line (both engines' "standalone" rule);
 * a Jinja comment's `{#-` / `-#}` strips the whitespace before / after it, line breaks included.
 * `{# #}` is only a comment where the text is a Jinja template (it uses `{{ }}` or `{% %}`, or `jinja`).
 */
export function commentSpans(text: string, jinja: boolean, mdx = false): Array<[number, number]> {
  const spans: Array<[number, number]> = mdx ? mdxSpans(text) : [];
  if (text.includes('{{!')) {
    for (const m of text.matchAll(MUSTACHE_COMMENT)) {
      let a = m.index;
      let b = a + m[0].length;
      const lineStart = text.lastIndexOf('\n', a - 1) + 1;
      const nl = text.indexOf('\n', b);
      const lineEnd = nl < 0 ? text.length : nl;
      if (/^[ \t]*$/.test(text.slice(lineStart, a)) && /^[ \t]*\r?$/.test(text.slice(b, lineEnd))) {
        a = lineStart;
        b = nl < 0 ? lineEnd : nl + 1;
      }
      spans.push([a, b]);
    }
  }
  if ((jinja || text.includes('{{') || text.includes('{%')) && text.includes('{#')) {
    for (const m of text.matchAll(JINJA_COMMENT)) {
      let a = m.index;
      let b = a + m[0].length;
      if (m[0].startsWith('{#-')) while (a > 0 && /\s/.test(text[a - 1]!)) a--;
      if (m[0].endsWith('-#}')) while (b < text.length && /\s/.test(text[b]!)) b++;
      spans.push([a, b]);
    }
  }
  // A comment inside another (`{# {{! x }} #}`) or overlapping its stripped whitespace joins it.
  return mergeSpans(spans);
}

/** An ESM block of MDX: from an `import` / `export` line at the start of a line to the next blank line. */
const MDX_ESM = /^(?:import|export)\b[^\n]*(?:\n(?![ \t]*(?:\n|$))[^\n]*)*/gm;
/** An MDX comment (a JS comment in an expression): `{/* … *\/}`. */
const MDX_COMMENT = /\{\s*\/\*[\s\S]*?\*\/\s*\}/g;
/** A JSX component tag (capitalised or dotted name) or fragment: `<Callout type="info">`, `</Callout>`, `<ui.Note />`, `<>`. */
const MDX_TAG = /<\/?(?:[A-Z][\w.]*|[a-z]+\.[\w.]+)(?:\s(?:[^<>{}]|\{[^{}]*\})*)?\/?>|<\/?>/g;

/**
 * What MDX compiles away, outside fenced code blocks: ESM blocks, `{/* … *\/}` comments and component
 * tags (the text between a component's tags stays). Lower-case HTML tags are left: they are Markdown too.
 */
function mdxSpans(text: string): Array<[number, number]> {
  const fences = fencedRanges(text);
  const spans: Array<[number, number]> = [];
  for (const re of [MDX_ESM, MDX_COMMENT, MDX_TAG])
    for (const m of text.matchAll(re)) if (!inFence(fences, m.index)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/** The map of the text left after removing `gaps` from a section whose own map is `base`. */
function gappedMap(base: OffsetMap, gaps: Gap[]): OffsetMap {
  /** The original section index of kept index i: the gaps at or before i are skipped. */
  const original = (i: number) => {
    let o = i;
    for (const g of gaps) {
      if (g.at > i) break;
      o += g.length;
    }
    return o;
  };
  const crossesGap = (a: number, b: number) => gaps.some((g) => g.at > a && g.at < b);
  return {
    toFile: (i) => base.toFile(original(i)),
    verbatim: (a, b) => !crossesGap(a, b) && base.verbatim(original(a), b > a ? original(b - 1) + 1 : original(a)),
    lineDeletion: (a, b) => (b > a && !crossesGap(a, b) ? base.lineDeletion(original(a), original(b - 1) + 1) : undefined),
  };
}

/**
 * The section as the engine renders its static text: template comments removed. `jinja`: the body is
 * a Jinja template even when it has no other tag (Prompty bodies); `mdx`: an MDX body (see mdxSpans).
 */
export function withoutTemplateComments(section: PromptSection, jinja = false, mdx = false): PromptSection {
  const spans = commentSpans(section.text, jinja, mdx);
  if (spans.length === 0) return section;
  let text = '';
  let at = 0;
  const gaps: Gap[] = [];
  for (const [a, b] of spans) {
    text += section.text.slice(at, a);
    gaps.push({ at: text.length, length: b - a });
    at = b;
  }
  text += section.text.slice(at);
  return { ...section, text, map: gappedMap(section.map, gaps) };
}
