/**
 * unbounded-output and politeness read English phrases; their caps, negations and quotes are read in
 * English. A prompt written in another language was still reported when an English word or the
 * French "exhaustive" occurred in it, with its own caps ("5 au maximum"), negations ("nicht") and
 * quotes (« … ») unread. A prompt whose common words are mostly another language's gets neither rule.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const rules = async (...l: string[]) =>
  (await analyzeFile({ path: '/repo/prompts/assistant.md', text: `${l.join('\n')}\n` })).diagnostics
    .map((d) => d.ruleId)
    .filter((id) => id === 'unbounded-output' || id === 'politeness');

describe('English-only rules on prompts in other languages', () => {
  it('are not reported on a French, German or Chinese prompt', async () => {
    expect(await rules('Tu es un assistant juridique.', 'Donne une liste exhaustive des articles, 5 au maximum.')).toEqual([]);
    expect(await rules('Réponds en moins de 100 mots, de façon exhaustive.')).toEqual([]);
    expect(await rules('Commence par : « Liste exhaustive des applications »')).toEqual([]);
    expect(await rules('Du bist ein Assistent. Wenn der Nutzer please schreibt, antworte auf Englisch.')).toEqual([]);
    expect(await rules('Du bist ein Assistent. Nutze den Befehl list all nicht.')).toEqual([]);
    expect(await rules('你是一个代码审查助手。请用中文回答，不要使用 please 这样的词。')).toEqual([]);
  });

  it('are still reported on an English prompt, a terse one, or one quoting a French line', async () => {
    expect(await rules('List all files.')).toEqual(['unbounded-output']);
    expect(await rules('Please be exhaustive.')).toEqual(['unbounded-output', 'politeness']);
    expect(await rules('You translate legal texts for the user.', 'Be exhaustive: list every article that applies to the case.', 'The user may write "Donne une liste des articles".')).toEqual(['unbounded-output']);
  });

  it('an inline code span is a name, not a request', async () => {
    expect(await rules('Run `list all` to see the commands, then pick the one that applies.')).toEqual([]);
  });
});
