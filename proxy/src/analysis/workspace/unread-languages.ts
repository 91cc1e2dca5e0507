/**
 * Languages with official or common LLM SDKs (OpenAI .NET, ruby-openai, openai-php, …) that nothing here reads: lint
 * names their files as skipped and the extension says so once, so neither reads as a clean run. Pure and tiny: the
 * extension asks it for every opened file at activation, without loading the analysis engine.
 */
export const UNREAD_LANGUAGES: Record<string, string> = { '.cs': 'C#', '.rb': 'Ruby', '.php': 'PHP', '.kt': 'Kotlin', '.kts': 'Kotlin', '.rs': 'Rust', '.swift': 'Swift', '.scala': 'Scala', '.dart': 'Dart' };
export const extension = (path: string) => path.slice(path.lastIndexOf('.')).toLowerCase();
export const unreadReason = (path: string, language: string, others = 0) =>
  `${language} (${extension(path)}) is not analysed${others ? `, nor ${others} other ${language} file${others > 1 ? 's' : ''}` : ''}: lint reads TypeScript, JavaScript, Python, Go and Java code`;
