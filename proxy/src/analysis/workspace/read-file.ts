/**
 * Reading a file of a repository being analysed, where anything may sit at a path: a named pipe, a
 * socket, a device, an unreadable or huge file, a binary with a text extension. Each is a reason to
 * skip the file, said in a few words, never a hang or an exception.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** Larger files are generated or data, not prompts, instructions or hand-written calls: not analysed. */
export const MAX_ANALYSED_FILE_BYTES = 2_000_000;

/** Why a file-system call failed, in a few words. */
export function failureReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'ENOENT':
      return 'no such file (a dangling symbolic link?)';
    case 'ENXIO':
      return 'not a regular file (a socket or device)';
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/**
 * Git's test for a binary file: a NUL byte in the first 8000 bytes. An image or archive that merely
 * has a prompt or code extension would be read as noise (and reported as wasteful formatting).
 * UTF-16 text, whose every ASCII character has a NUL byte, is text when it starts with its mark.
 */
function isBinary(bytes: Buffer): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return false;
  return bytes.subarray(0, 8000).includes(0);
}

/**
 * A file's bytes, or why they were not read. Opened without blocking and checked on the open
 * descriptor: a FIFO (named pipe) would block a plain read forever, and a path checked first and
 * opened after could be swapped in between.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer | string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return failureReason(err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'not a regular file (a directory, FIFO, socket or device)';
    if (st.size > maxBytes) return `larger than ${maxBytes / 1_000_000} MB (${(st.size / 1_000_000).toFixed(1)} MB): generated or data`;
    const bytes = readFileSync(fd);
    if (isBinary(bytes)) return 'binary (a NUL byte in its first 8000 bytes)';
    return bytes;
  } catch (err) {
    return failureReason(err);
  } finally {
    closeSync(fd);
  }
}

