/**
 * A file's bytes as the text an editor shows. VS Code reads the encoding from the byte-order mark:
 * UTF-8 with or without one, and UTF-16 (Windows PowerShell 5's `>` and `Out-File` write UTF-16LE)
 * — read as UTF-8, a UTF-16 prompt is NUL-riddled noise, counted at ten times its tokens. The mark
 * itself is dropped (columns on line 1 then agree with VS Code's, and it is not a token), and each
 * lone CR (classic Mac endings, stray CRs in mixed files) becomes the LF it stands for: the swap
 * keeps every offset, so reported ranges still point into the file as the editor shows it.
 */
export function decodeText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text: string;
  if (buf[0] === 0xff && buf[1] === 0xfe) text = buf.subarray(2, buf.length - (buf.length % 2)).toString('utf16le');
  else if (buf[0] === 0xfe && buf[1] === 0xff) text = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2))).swap16().toString('utf16le');
  else text = buf.toString('utf8').replace(/^\uFEFF/, '');
  return text.replace(/\r(?!\n)/g, '\n');
}
