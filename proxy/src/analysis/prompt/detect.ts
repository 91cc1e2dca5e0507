/** Which kind of file a path is: a prompt format, source code we scan for LLM calls, or neither. */
import { compilePathGlob, type PathGlob } from '../text/path-glob';
import type { PromptFileKind } from '../types';

export const DEFAULT_PROMPT_GLOBS = ['**/prompts/**/*.txt', '**/prompts/**/*.md', '**/*.prompt.txt'];

/**
 * Text template formats a prompt glob may name: the file body is the prompt as written, its template
 * tags counted as unknown content (Jinja `.j2`, Mustache/Handlebars, Dotprompt `.prompt` with YAML front matter,
 * MDX `.mdx`, whose ESM lines and component tags are compiled away…).
 */
const TEMPLATE_EXTENSIONS = ['.txt', '.md', '.mdx', '.prompt', '.j2', '.jinja', '.jinja2', '.mustache', '.hbs', '.handlebars', '.liquid', '.njk', '.tmpl', '.tpl'];

const CODE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.py', '.go', '.java'];
const ALWAYS_ON = new Set(['copilot-instructions.md', 'agents.md', 'claude.md']);

function baseName(path: string): string {
  const p = path.replace(/\\/g, '/');
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * A prompt glob, matched from any segment to the end of a path (case-insensitive): see text/path-glob.ts. It is a
 * VS Code glob (the editor's document selector reads the same setting), so `{md,txt}` groups work
 * and surrounding spaces are ignored, as they are there.
 */
export function promptGlob(glob: string): PathGlob {
  return compilePathGlob(glob.trim(), { braces: true, ignoreCase: true, anySegment: true });
}

export function promptKindOf(path: string, languageId?: string, promptGlobs: string[] = DEFAULT_PROMPT_GLOBS): PromptFileKind | undefined {
  const name = baseName(path).toLowerCase();
  const normal = path.replace(/\\/g, '/');
  if (name.endsWith('.prompty')) return 'prompty';
  if (name.endsWith('.prompt.yml') || name.endsWith('.prompt.yaml')) return 'github-prompt-yaml';
  // Chat modes (`*.chatmode.md`) and the custom agents that replaced them (`*.agent.md`, language
  // `chatagent`) have the same front matter (`model`, `tools`) and a prompt body.
  if (/\.(prompt|chatmode|agent)\.md$/.test(name) || languageId === 'prompt' || languageId === 'chatmode' || languageId === 'chatagent') return 'vscode-prompt';
  if (name.endsWith('.instructions.md') || languageId === 'instructions') return 'vscode-instructions';
  if (ALWAYS_ON.has(name)) return 'always-on-instructions';
  if (/^promptfooconfig\.ya?ml$/.test(name)) return 'promptfoo';
  if (TEMPLATE_EXTENSIONS.some((e) => name.endsWith(e)) && promptGlobs.some((g) => promptGlob(g).test(normal))) return 'prompt-template';
  return undefined;
}

export function isPromptFile(path: string, promptGlobs?: string[]): boolean {
  return promptKindOf(path, undefined, promptGlobs) !== undefined;
}

export type CodeLanguage = 'typescript' | 'python' | 'go' | 'java';

export function codeLanguageOf(path: string, languageId?: string): CodeLanguage | undefined {
  if (languageId === 'python' || languageId === 'go' || languageId === 'java') return languageId;
  if (languageId && /^(typescript|javascript)(react)?$/.test(languageId)) return 'typescript';
  const name = baseName(path).toLowerCase();
  const ext = CODE_EXTENSIONS.find((e) => name.endsWith(e));
  if (!ext || name.endsWith('.d.ts')) return undefined;
  return ext === '.py' ? 'python' : ext === '.go' ? 'go' : ext === '.java' ? 'java' : 'typescript';
}

/** Instruction files that are sent with every request (duplicates across them cost on every call). */
export function isInstructionKind(kind: string): boolean {
  return kind === 'always-on-instructions' || kind === 'vscode-instructions';
}
