/**
 * The regular files of a tar archive (as npm packs them: ustar, with pax headers for long names).
 * Pure: bytes in, entries out; gunzip and writing files are the caller's.
 */
export interface TarFile {
  path: string;
  data: Buffer;
  mode: number;
}

function field(h: Buffer, start: number, len: number): string {
  const s = h.subarray(start, start + len);
  const nul = s.indexOf(0);
  return (nul === -1 ? s : s.subarray(0, nul)).toString('utf8');
}

function octal(h: Buffer, start: number, len: number): number {
  const s = field(h, start, len).trim();
  return s ? Number.parseInt(s, 8) : 0;
}

/** pax extended header records: "<len> key=value\n". Only `path` matters here. */
function paxPath(data: Buffer): string | undefined {
  let off = 0;
  while (off < data.length) {
    const space = data.indexOf(0x20, off);
    if (space === -1) break;
    const len = Number.parseInt(data.subarray(off, space).toString('ascii'), 10);
    if (!(len > 0)) break;
    const record = data.subarray(space + 1, off + len - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    off += len;
  }
  return undefined;
}

export function readTar(tar: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let off = 0;
  let nextPath: string | undefined;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break; // end-of-archive block
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] ?? 0);
    const body = tar.subarray(off + 512, off + 512 + size);
    if (body.length !== size) throw new Error('truncated tar archive');
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      nextPath = paxPath(body);
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(h, 345, 155);
    const name = field(h, 0, 100);
    const path = nextPath ?? (prefix ? `${prefix}/${name}` : name);
    nextPath = undefined;
    if (type === '0' || type === '\0') files.push({ path, data: Buffer.from(body), mode: octal(h, 100, 8) });
  }
  return files;
}
