/**
 * The file name whose comment syntax a "Disable for this line" fix uses. The engine picks `#`, `//`
 * or `<!-- -->` by extension, but a code document's name need not have its language's extension:
 * an untitled Python file is `Untitled-1`, and a notebook cell is named after its `.ipynb`. There an
 * HTML comment would be a syntax error in the code, so the document's language decides. Pure.
 */
const CODE_EXTENSIONS: Record<string, RegExp> = {
  python: /\.py$/i,
  typescript: /\.(ts|mts|cts)$/i,
  typescriptreact: /\.tsx$/i,
  javascript: /\.(js|mjs|cjs)$/i,
  javascriptreact: /\.jsx$/i,
  go: /\.go$/i,
  java: /\.java$/i,
};

/** The extension a name without its language's gets, so the engine picks that language's comment. */
const EXTENSION_OF: Record<string, string> = { python: '.py', go: '.go', java: '.java' };

export function commentPath(fileName: string, languageId: string): string {
  const ext = CODE_EXTENSIONS[languageId];
  if (!ext || ext.test(fileName)) return fileName;
  return `${fileName}${EXTENSION_OF[languageId] ?? '.ts'}`;
}
