/**
 * The pages of a PDF a request carries inline (an Anthropic base64 `document`, an OpenAI `file` or
 * `input_file` with a `data:application/pdf` URL), for its reservation: both providers bill a PDF by
 * the page — each page's extracted text and an image of it. Counted as the page objects the file
 * holds (`/Type /Page`), also inside compressed object streams, where PDF 1.5 writers (pdfTeX,
 * most since) put them. No I/O; node:zlib for the inflation.
 */
import { inflateSync } from 'node:zlib';

const TYPE = Buffer.from('/Type');
const PAGE = Buffer.from('/Page');
const OBJECT_STREAM = Buffer.from('/ObjStm');
const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');
/**
 * Object streams hold dictionaries, not images (tens of kB for a 100-page PDF): their inflated bytes
 * together stop here, so a crafted file of many small deflate bombs costs no more than this.
 */
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** `/Type /Page` entries (not `/Pages`). On the bytes: a 24 MB PDF read as a string took 0.3 s of the event loop. */
function pagesIn(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(TYPE); at >= 0; at = bytes.indexOf(TYPE, at + TYPE.length)) {
    let i = at + TYPE.length;
    while (i < bytes.length && isSpace(bytes[i]!)) i++;
    if (bytes.subarray(i, i + PAGE.length).equals(PAGE) && !isLetter(bytes[i + PAGE.length] ?? 0)) n++;
  }
  return n;
}

function countPages(bytes: Buffer): number | undefined {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return undefined;
  let pages = pagesIn(bytes);
  let budget = MAX_INFLATED_BYTES;
  for (let at = bytes.indexOf(OBJECT_STREAM); at >= 0; at = bytes.indexOf(OBJECT_STREAM, at + OBJECT_STREAM.length)) {
    // The stream's data follows its dictionary's `stream` keyword and one end of line.
    const keyword = bytes.indexOf(STREAM, at);
    if (keyword < 0 || keyword - at > 1024) continue;
    let start = keyword + STREAM.length;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    const end = bytes.indexOf(END_STREAM, start);
    if (end < 0) break;
    try {
      const objects = inflateSync(bytes.subarray(start, end), { maxOutputLength: budget });
      budget -= objects.length;
      pages += pagesIn(objects);
    } catch (err) {
      // Past the budget: stop. Not deflated or truncated: its pages are not counted.
      if (err instanceof RangeError) break;
    }
    if (budget <= 0) break;
  }
  return pages > 0 ? pages : undefined;
}

/** Page objects of the PDF in `base64` (or a `data:` URL of it); undefined when it holds none that can be read. */
export function pdfPageCount(base64OrDataUrl: string): number | undefined {
  const comma = base64OrDataUrl.startsWith('data:') ? base64OrDataUrl.indexOf(',') : -1;
  return countPages(Buffer.from(base64OrDataUrl.slice(comma + 1), 'base64'));
}
