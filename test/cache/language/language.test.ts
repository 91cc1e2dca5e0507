/**
 * Which prompts an English-only embedder may judge (cache/semantic/applicability.ts), on the
 * hand-written set in prompts.ts, and the check in the proxy: the same prompts are refused with
 * the judge and without it (real USE-lite, real sqlite-vec, the official OpenAI SDK; only the
 * provider is the fake).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksEnglish } from '../../../proxy/src/cache/semantic/applicability';
import { PolicySchema } from '../../../proxy/src/policy/schema';
import { startHarness, waitForEmbedder, type Harness } from '../../support/harness';
import { ENGLISH, ENGLISH_KEYWORDS, NOT_ENGLISH, OTHER_KEYWORDS } from './prompts';

describe('is this English?', () => {
  it('short questions in another language are not English, accented or not', () => {
    for (const t of ['Hoe laat is het?', 'Wie spät ist es', 'Quelle heure est-il', 'Qual è il prezzo', 'Was ist das?', 'Qual é a capital do Brasil?', "Dov'è la stazione?"]) {
      expect(looksEnglish(t), t).toBe(false);
    }
  });

  it('English questions with an accented loanword, a foreign name or an acronym stay English', () => {
    for (const t of ['Is a café open on Sunday?', 'how to write a résumé', 'What does déjà vu mean?', 'Los Angeles weather tomorrow', 'Tell me about La Casa de Papel', 'ES6 arrow functions', 'What’s the price of a café latte?', 'es6 arrow functions', 'es2015 modules in node']) {
      expect(looksEnglish(t), t).toBe(true);
    }
  });

  it('one accented word among English ones is a loanword, a lowercase word between capitalised ones part of a name', () => {
    for (const t of ['Best jalapeño poppers recipe', 'Is a cliché always bad in writing?', 'Best café near Montréal airport', 'Is Lago di Como worth visiting?', 'How far is Rio de Janeiro from Sao Paulo?']) {
      expect(looksEnglish(t), t).toBe(true);
    }
    // Accented words as half the prompt or more, or beside another language's function words, still mark it.
    for (const t of ['Thơ về biển', 'Mikä päivä on 1311861118074000', 'Bonne journée', 'Hur återställer jag mitt lösenord?', 'Où est la gare de Lyon?']) {
      expect(looksEnglish(t), t).toBe(false);
    }
  });

  it('a keyword query of English words stays English beside another language\'s short word; one of another language\'s words does not', () => {
    for (const t of ['linux su command', 'windows del command', 'mi band 7 review', 'da vinci resolve tutorial', 'dei policy examples', 'ce marking requirements', 'Python del statement']) {
      expect(looksEnglish(t), t).toBe(true);
    }
    // An English brand or tech word among the other language's words is not enough.
    for (const t of ['partido del real madrid', 'manual del usuario samsung', 'scaricare video da youtube', 'beste serien auf netflix', 'harga iphone 15 di indonesia', 'mi cuenta de google', 'Comment devenir plus en forme?']) {
      expect(looksEnglish(t), t).toBe(false);
    }
  });

  it('a keyword query of six or more English words stays English; one of another language\'s words does not', () => {
    // Search-box queries hold no function words at any length: refused before from six words on.
    for (const t of ['best budget gaming laptop 2024 reddit review', 'python pandas dataframe groupby multiple columns example', 'docker compose postgres volume permission denied error', 'cheap flights london paris december return tickets']) {
      expect(looksEnglish(t), t).toBe(true);
    }
    for (const t of ['receitas faceis rapidas jantar familia barata', 'wetter vorhersage morgen berlin regen temperatur', 'hotel murah dekat bandara soekarno hatta jakarta', 'tanie loty londyn paryz grudzien bilety powrotne']) {
      expect(looksEnglish(t), t).toBe(false);
    }
  });

  it('"de" counts for another language, except inside a name, also one with several short particles', () => {
    for (const t of ['receta de pollo al horno', 'noticias de hoy', 'curso de python gratis', 'Was ist die Hauptstadt von Australien?']) {
      expect(looksEnglish(t), t).toBe(false);
    }
    for (const t of ['What is Dia de los Muertos?', 'Rio de Janeiro hotels', 'Famous buildings by Mies van der Rohe', 'de morgan laws examples']) {
      expect(looksEnglish(t), t).toBe(true);
    }
  });

  it('misjudges few of the written prompts on either side', () => {
    const wrongOther = NOT_ENGLISH.filter((t) => looksEnglish(t));
    const wrongEnglish = ENGLISH.filter((t) => !looksEnglish(t));
    // Measured: 2 of 204 ("Var ligger stationen?", "Co to znaczy?": their function words are
    // English words too) and 0 of 82 (5 before accented loanwords and name particles were told
    // apart, 1 before English vocabulary counted: "Python del statement").
    expect(wrongOther.length, wrongOther.join(' | ')).toBeLessThanOrEqual(2);
    expect(wrongEnglish.length, wrongEnglish.join(' | ')).toBeLessThanOrEqual(0);
  });

  it('text in all capitals is read as in lowercase, not as a run of acronyms', () => {
    const upper = (set: ReadonlyArray<string>) => set.map((t) => t.toUpperCase());
    const wrongOther = upper(NOT_ENGLISH).filter((t) => looksEnglish(t));
    const takenKeywords = upper(OTHER_KEYWORDS).filter((t) => looksEnglish(t));
    const wrongEnglish = upper(ENGLISH).filter((t) => !looksEnglish(t));
    // Measured: 146 of 204 and 70 of 70 were taken for English before; 2 and 20 as written. English
    // refused 0 -> 2 of 82: in capitals a name's short words read as another language's ("LAGO DI COMO").
    expect(wrongOther.length, wrongOther.join(' | ')).toBeLessThanOrEqual(2);
    expect(takenKeywords.length, takenKeywords.join(' | ')).toBeLessThanOrEqual(20);
    expect(wrongEnglish.length, wrongEnglish.join(' | ')).toBeLessThanOrEqual(2);
  });

  it('decomposed text (combining accents, as macOS and Vietnamese "tổ hợp" keyboards write it) is read as composed', () => {
    // Decomposed, the accents fell outside the words: "Mikä" read as "Mika" plus a lone mark.
    for (const t of ['Hôm nay trời đẹp quá', 'Mikä päivä on tänään', 'Kde je nádraží?', 'Thơ về biển']) {
      expect(looksEnglish(t.normalize('NFD')), t).toBe(false);
    }
    for (const t of ['Is a café open on Sunday?', 'Best jalapeño poppers']) expect(looksEnglish(t.normalize('NFD')), t).toBe(true);
  });

  it('misjudges keyword queries no more than measured', () => {
    const refused = ENGLISH_KEYWORDS.filter((t) => !looksEnglish(t));
    const taken = OTHER_KEYWORDS.filter((t) => looksEnglish(t));
    // Measured: English refused 16 of 39 (33 before English vocabulary counted; left: a word the
    // vocabulary lacks, "soundtrack", "parser", "citation", or a name, "capitan", "guevara").
    // Other languages taken for English 20 of 70 (34 before Spanish, Portuguese and French "de"
    // was listed: "receta de pollo al horno", "noticias de hoy"); most left hold no listed function
    // word ("descargar musica gratis"), which nothing here can tell.
    expect(refused.length, refused.join(' | ')).toBeLessThanOrEqual(16);
    expect(taken.length, taken.join(' | ')).toBeLessThanOrEqual(20);
  });
});

describe('in the proxy, with and without the judge', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness({ cache: { semantic: { enabled: true, backend: 'use-lite', embedTimeoutMs: 10_000, wrongAnswerCostUsd: 0 } } });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-language', maxRetries: 0 });
    await waitForEmbedder(h.proxy.url);
  }, 240_000);
  afterAll(async () => h?.close());

  function useJudge(judge: boolean): void {
    const current = h.proxy.services.policy.policy;
    h.proxy.services.policy.set(PolicySchema.parse({ ...current, cache: { ...current.cache, semantic: { ...current.cache.semantic, judge } } }));
  }

  const ask = (content: string, feature: string, headers: Record<string, string> = {}) =>
    client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { headers: { 'x-tollgate-feature': feature, ...headers } })
      .withResponse()
      .then(({ response }) => ({ cache: response.headers.get('x-tollgate-cache'), skipped: response.headers.get('x-tollgate-semantic-skipped') }));

  it('without the judge, text the judge refuses is refused too (it was looked up, served and indexed)', async () => {
    useJudge(false);
    // USE-lite puts these at cosine 0.963 and 0.958; the header keeps the test off the 0.96 default's edge.
    const headers = { 'x-tollgate-semantic-threshold': '0.95' };
    const pairs: [string, string][] = [
      ['Wie spät ist es in Berlin?', 'Wie spät ist es in Berlin'],
      // Present vs past tense: unaccented, so before it passed for English on either path.
      ['Hoe laat is de winkel open?', 'Hoe laat was de winkel open?'],
    ];
    for (const [stored, asked] of pairs) {
      await ask(stored, 'nl', headers);
      const r = await ask(asked, 'nl', headers);
      expect(r.cache, asked).toBe('miss');
      expect(r.skipped, asked).toBe('embedder cannot judge: not English');
    }
    useJudge(true);
    expect(await ask('Hoe laat gaat de winkel dicht?', 'nl')).toEqual({ cache: 'miss', skipped: 'embedder cannot judge: not English' });
    expect(await ask('WIE SPÄT IST ES IN BERLIN?', 'de')).toEqual({ cache: 'miss', skipped: 'embedder cannot judge: not English' });
    expect(await ask('Hôm nay trời đẹp quá'.normalize('NFD'), 'vi')).toEqual({ cache: 'miss', skipped: 'embedder cannot judge: not English' });
  });

  it('an English keyword query with another language\'s short word is looked up and keeps its hit', async () => {
    useJudge(true);
    expect(await ask('python del statement', 'en')).toEqual({ cache: 'miss', skipped: null });
    expect(await ask('Python del statement', 'en')).toEqual({ cache: 'semantic', skipped: null });
  });

  it('a six-word English keyword query is looked up and keeps its hit', async () => {
    useJudge(true);
    expect(await ask('python pandas dataframe groupby multiple columns example', 'en')).toEqual({ cache: 'miss', skipped: null });
    expect(await ask('Python pandas dataframe groupby multiple columns example', 'en')).toEqual({ cache: 'semantic', skipped: null });
  });

  it('an English question with an accented loanword keeps its semantic hit', async () => {
    useJudge(true);
    expect(await ask('How do I write a good résumé?', 'en')).toEqual({ cache: 'miss', skipped: null });
    expect(await ask('How can I write a good résumé?', 'en')).toEqual({ cache: 'semantic', skipped: null });
  });
});
