/**
 * C#, Ruby, PHP, Kotlin, Rust and Swift have official or common LLM SDKs (OpenAI .NET, ruby-openai,
 * openai-php, …) but no analyser here. `tollgate lint` used to pass over their files without a word, so a
 * C# service's run ended "No findings in 0 files" — and a named `Program.cs` "No findings in 1 file" —
 * which reads as a clean bill of health. It now says what it did not read, as it does for other skips.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLint, type LintCommandIO } from '../../proxy/src/cli/lint';
import { formatText } from '../../proxy/src/analysis/report/text';
import { analyzePaths, type SkippedPath } from '../../proxy/src/analysis/workspace/collect';

let repo: string;

async function lint(paths: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const io: LintCommandIO = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    cwd: repo,
    exit: () => undefined,
  };
  const code = await runLint(paths, { format: 'text', maxSeverity: 'error' }, io);
  return { out, err, code };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'tollgate-unread-'));
  mkdirSync(join(repo, 'src', 'Services'), { recursive: true });
  const cs = ['using OpenAI.Chat;', 'ChatClient client = new("gpt-4o", Environment.GetEnvironmentVariable("OPENAI_API_KEY"));', 'ChatCompletion c = client.CompleteChat("Say hi");', ''];
  writeFileSync(join(repo, 'src', 'Program.cs'), cs.join('\n'));
  writeFileSync(join(repo, 'src', 'Services', 'Summarizer.cs'), cs.join('\n'));
  writeFileSync(join(repo, 'src', 'chat.rb'), 'client = OpenAI::Client.new\nclient.chat(parameters: { model: "gpt-4o", messages: [] })\n');
  writeFileSync(join(repo, 'src', 'notes.txt'), 'not code\n');
  // Ignored by git: not mentioned.
  writeFileSync(join(repo, '.gitignore'), 'gen/\n');
  mkdirSync(join(repo, 'gen'));
  writeFileSync(join(repo, 'gen', 'Client.cs'), cs.join('\n'));
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('code in languages lint does not read', () => {
  it('a walk names each such language once, with its count, and the summary counts it as not analysed', async () => {
    const { out, err, code } = await lint(['.']);
    expect(err.split('\n').filter(Boolean)).toEqual([
      'tollgate lint: skipped src/chat.rb: Ruby (.rb) is not analysed: lint reads TypeScript, JavaScript, Python, Go and Java code',
      'tollgate lint: skipped src/Program.cs: C# (.cs) is not analysed, nor 1 other C# file: lint reads TypeScript, JavaScript, Python, Go and Java code',
    ]);
    expect(out).toBe('No findings in 0 files (3 skipped, not analysed).\n');
    expect(code).toBe(0);
  });

  it('a file named on the command line is skipped with the reason, not reported clean', async () => {
    const { out, err } = await lint(['src/Program.cs']);
    expect(err).toBe('tollgate lint: skipped src/Program.cs: C# (.cs) is not analysed: lint reads TypeScript, JavaScript, Python, Go and Java code\n');
    expect(out).toBe('No findings in 0 files (1 skipped, not analysed).\n');
  });

  // One note stands for every file of its language, so the summary's count is of files, as its wording says.
  it('the summary counts the files passed over, not the notes about them', async () => {
    const skipped: SkippedPath[] = [];
    const results = await analyzePaths([repo], {}, { onSkip: (s) => skipped.push(s) });
    expect(skipped.map((s) => [s.path.slice(repo.length + 1), s.files ?? 1])).toEqual([
      ['src/chat.rb', 1],
      ['src/Program.cs', 2],
    ]);
    expect(formatText(results, repo, skipped)).toBe('No findings in 0 files (3 skipped, not analysed).\n');
  });
});
