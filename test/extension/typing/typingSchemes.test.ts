/**
 * Documents VS Code opens that are not the user's files: the HEAD copy a diff or the timeline opens
 * (`git:`), an output channel, a chat code block. They are not analysed: the Problems panel would list
 * each problem of a prompt twice while its diff is open (once for `git:`), and the work is for text
 * nobody edits. Files on disk, unsaved prompts and user-level prompt files (VS Code's user data) are.
 */
import { describe, expect, it, vi } from 'vitest';
import { selectorMatches, world } from '../workspaces/world';
import { close, doc, keystroke, open } from './typingWorld';
import type { Analyzer } from './typingModules';

vi.mock('vscode', async () => {
  const { world: w } = await import('../workspaces/world');
  const { typingVscode } = await import('./typingWorld');
  return typingVscode(w);
});

const { documentSelector, CostDiagnostics, analyzeFile, analysesOf } = await import('./typingModules');

const PROMPT = 'You are a helpful assistant. Please list all the products, as long as possible. Thank you!\n';

describe('which documents are analysed', () => {
  it('files, unsaved and user-level prompts are; git:, output and chat code-block copies are not', async () => {
    const analysed: string[] = [];
    const analyzer: Analyzer = (input, settings, token) => {
      analysed.push(input.path);
      return analyzeFile(input, settings, token ? { cancellation: token } : {});
    };
    const analyses = analysesOf(analyzer);
    const selector = documentSelector(['prompts/*.txt']);
    const diagnostics = new CostDiagnostics(analyses, selector);
    const shown = [
      doc('/repo/AGENTS.md', PROMPT, 'markdown'),
      doc('/repo/prompts/ask.prompt.md', PROMPT, 'prompt'),
      doc('/repo/prompts/support.txt', PROMPT, 'plaintext'),
      doc('Untitled-1', PROMPT, 'prompt', 'untitled'),
      doc('/home/u/.config/Code/User/prompts/review.prompt.md', PROMPT, 'prompt', 'vscode-userdata'),
    ];
    const hidden = [
      // The same files as their HEAD copies (a diff, the timeline, GitLens).
      doc('/repo/.git-head/AGENTS.md', PROMPT, 'markdown', 'git'),
      doc('/repo/.git-head/prompts/ask.prompt.md', PROMPT, 'prompt', 'git'),
      doc('/repo/.git-head/prompts/support.txt', PROMPT, 'plaintext', 'git'),
      doc('/repo/.pr/CLAUDE.md', PROMPT, 'markdown', 'pr'),
      doc('/out/prompts/log.prompt.md', PROMPT, 'prompt', 'output'),
      doc('/chat/block/0', PROMPT, 'prompt', 'vscode-chat-code-block'),
    ];
    try {
      for (const d of [...shown, ...hidden]) open(world, d);
      await vi.waitFor(() => {
        for (const d of shown) expect(world.diagnostics.get(d.uri.fsPath)?.length, d.uri.toString()).toBeGreaterThan(0);
      }, { timeout: 30_000 });
      for (const d of shown) expect(selectorMatches(selector, d), d.uri.toString()).toBe(true);
      for (const d of hidden) {
        expect(selectorMatches(selector, d), d.uri.toString()).toBe(false);
        expect(world.diagnostics.has(d.uri.fsPath), d.uri.toString()).toBe(false);
      }
      expect(analysed.sort()).toEqual(shown.map((d) => d.uri.path).sort());
    } finally {
      for (const d of [...shown, ...hidden]) close(world, d);
      diagnostics.dispose();
      analyses.dispose();
    }
  });
});

describe('an output channel logging while the user types', () => {
  it('costs no settings read and no analysis per logged line', async () => {
    let analysed = 0;
    const analyzer: Analyzer = (input, settings, token) => {
      analysed++;
      return analyzeFile(input, settings, token ? { cancellation: token } : {});
    };
    const analyses = analysesOf(analyzer);
    const diagnostics = new CostDiagnostics(analyses, documentSelector([]));
    const vscode = (await import('vscode')) as unknown as { workspace: { getConfiguration: (...a: unknown[]) => unknown } };
    const real = vscode.workspace.getConfiguration;
    let reads = 0;
    vscode.workspace.getConfiguration = (...a: unknown[]) => {
      reads++;
      return real(...a);
    };
    const log = doc('extension-output-tollgate.tollgate-#1-Tollgate', '', 'log', 'output');
    try {
      open(world, log);
      for (let i = 0; i < 1000; i++) keystroke(log, i, `[info] POST /v1/chat/completions 200 ${i}\n`);
      await new Promise((r) => setTimeout(r, 50));
      expect({ reads, analysed }).toEqual({ reads: 0, analysed: 0 });
    } finally {
      vscode.workspace.getConfiguration = real;
      close(world, log);
      diagnostics.dispose();
      analyses.dispose();
    }
  });
});
