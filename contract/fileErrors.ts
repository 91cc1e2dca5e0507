/**
 * What a filesystem error code means, in the words the CLI's failure lines and the extension's
 * notifications both use, so `tollgate policy export` and the editor's export say the same thing
 * about the same disk. Each reads after "<path>: " or "cannot write <path>: ".
 */
const FILE_ERROR_WORDS: ReadonlyMap<string, string> = new Map([
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['EROFS', 'the file system is read-only'],
  ['ENOSPC', 'no space left on the disk'],
  ['EDQUOT', 'no space left on the disk (the disk quota is used up)'],
  // A file where a directory of the path should be (ENOTDIR), or at the directory itself (recursive mkdir's EEXIST).
  ['ENOTDIR', 'part of this path is a file, not a directory'],
  ['EEXIST', 'part of this path is a file, not a directory'],
  ['EISDIR', 'a directory, not a file'],
]);

/** The words for an error's `code` (`EACCES`…), or undefined for a code without any. */
export function fileErrorWords(code: string | undefined): string | undefined {
  return code === undefined ? undefined : FILE_ERROR_WORDS.get(code);
}
