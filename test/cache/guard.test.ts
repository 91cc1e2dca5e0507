import { describe, expect, it } from 'vitest';
import { blindSpotVeto, vetoReason } from '../../proxy/src/cache/semantic/guard';
import { shippedJudgeFor } from '../../proxy/src/cache/semantic/judge/shipped';
import { extractFeatures, stem } from '../../proxy/src/cache/semantic/lexical/features';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';

describe('vetoReason: different meaning is vetoed', () => {
  it.each([
    ['numbers', 'What are the top 5 programming languages?', 'What are the top 50 programming languages?', /numbers/],
    ['number words vs digits', 'Give me five ideas for a birthday party', 'Give me 6 ideas for a birthday party', /numbers/],
    ['versions', 'What is new in Python 3.11?', 'What is new in Python 3.12?', /numbers/],
    ['dates', 'What happened on 2021-03-04?', 'What happened on 2021-03-05?', /numbers/],
    ['negation', 'Is smoking allowed on the train?', 'Is smoking not allowed on the train?', /negation/],
    ['contracted negation', 'Why can I log in?', "Why can't I log in?", /negation/],
    ['never', 'Should I reboot the server?', 'Should I never reboot the server?', /negation/],
    ['without', 'How do I cook rice with a rice cooker?', 'How do I cook rice without a rice cooker?', /negation/],
    ['named entity', 'Which note-taking app works offline on Windows?', 'Which note-taking app works offline on Android?', /entities|content/],
    ['lower-case substitution', 'which note-taking app works offline on my laptop?', 'which note-taking app works offline on my phone?', /content/],
    ['acronym', 'How do I file taxes in the US?', 'How do I file taxes in the UK?', /entities/],
    ['code identifier', 'What does useEffect do in React?', 'What does useMemo do in React?', /identifiers/],
    ['snake_case / path', 'Why does os.path.join fail?', 'Why does os.path.split fail?', /identifiers/],
    ['quoted string', 'Translate "good morning" into French', 'Translate "good night" into French', /quoted/],
    ['antonym', 'What is the cheapest way to fly to Paris?', 'What is the most expensive way to fly to Paris?', /content/],
    ['added constraint', 'How do I make pancakes?', 'How do I make vegan pancakes?', /content/],
  ])('%s', (_name, a, b, why) => {
    const reason = vetoReason(a, b);
    expect(reason).toMatch(why);
    // Symmetric: the order of the two prompts does not matter.
    expect(vetoReason(b, a)).toBeDefined();
  });
});

describe('vetoReason: same meaning passes', () => {
  it.each([
    ['identical', 'How do I reset my password?', 'How do I reset my password?'],
    ['case, punctuation, filler', 'how do i reset my password', 'Hi! How do I reset my password, please?'],
    ['inflection', 'How do I cancel my order?', 'How can I cancel orders?'],
    ['word order', 'Python: how to reverse a list?', 'How to reverse a list in Python?'],
    ['number word = digit', 'Give me five ideas', 'Give me 5 ideas'],
    ['thousands separator', 'Is 10,000 steps a day enough?', 'Is 10000 steps a day enough?'],
    ['typo in a long word', 'When will I receive my refund?', 'When will I recieve my refund?'],
    ['sentence-initial capital is not an entity', 'Refund status please', 'what is my refund status'],
    ['negation both sides', "Why doesn't my card work?", 'Why does my card not work?'],
    ['a reordered list of numbers', 'How will the ban of 500 and 1000 rupee notes affect prices?', 'How will the ban of 1000 and 500 rupee notes affect prices?'],
    ['a reordered symmetric list of words', 'Is it better to rent or buy a house?', 'Is it better to buy or rent a house?'],
  ])('%s', (_name, a, b) => {
    expect(vetoReason(a, b)).toBeUndefined();
  });
});

describe('feature extraction', () => {
  it('normalises numbers and counts negations', () => {
    const f = extractFeatures("I can't pay 1,000 dollars twice, not ever, on 07 May");
    expect(f.numbers).toEqual(['1000', '2x', '7'].sort());
    expect(f.negations).toBe(2);
    expect(f.entities).toContain(stem('may'));
  });
  it('light stemming merges plural and verb forms', () => {
    expect(stem('refunds')).toBe(stem('refund'));
    expect(stem('charged')).toBe(stem('charge'));
    expect(stem('cancelled')).toBe(stem('cancel'));
    expect(stem('countries')).toBe(stem('country'));
  });
});

describe('vetoReason: order, question kind, symbols', () => {
  it.each([
    ['entity order', 'Cheapest flights from Paris to Rome', 'Cheapest flights from Rome to Paris', /order|direction/],
    ['lower-case direction', 'convert kilograms to pounds', 'convert pounds to kilograms', /direction reversed/],
    ['why vs yes/no', 'Why is my cat sneezing so much?', 'Is my cat sneezing so much?', /question/],
    ['when vs where', 'When was the Eiffel Tower built?', 'Where was the Eiffel Tower built?', /question/],
    ['programming symbols', 'How does || differ from | in C#?', 'How does C++ differ from C#?', /identifiers/],
    ['superlatives are content', 'What is the best laptop for students?', 'What is the worst laptop for students?', /opposite|content/],
    ['an opposite particle in the same place', 'How do I turn on dark mode?', 'How do I turn off dark mode?', /opposite words in the same place: "on" vs "off"/],
    ['a negating prefix', 'How do I lock my card?', 'How do I unlock my card?', /opposite words/],
    ['two words change places', 'How many teaspoons are in a tablespoon?', 'How many tablespoons are in a teaspoon?', /words swapped/],
    ['the same numbers in another order', 'Is 7 greater than 3?', 'Is 3 greater than seven?', /numbers in another order/],
  ])('%s', (_name, a, b, why) => {
    expect(vetoReason(a, b)).toMatch(why);
    expect(vetoReason(b, a)).toBeDefined();
  });
  it('a particle that means the same either way, and the two sides of a comparison, pass the vetoes the judge keeps', () => {
    // "fill in" and "fill out" a form are one request; "compare X with Y" and "compare Y with X" too.
    const veto = (a: string, b: string) => blindSpotVeto(extractFeatures(a), extractFeatures(b));
    const same: [string, string][] = [
      ['How do I fill in the tax form?', 'How do I fill out the tax form?'],
      ['What do I write when I fill out a W-4?', 'What do I write when I filled in a W-4?'],
      ['Compare Python with Java for backend development', 'Compare Java with Python for backend development'],
      ['Compare Python to Java', 'Compare Java to Python'],
      ['How does Python compare to Java for data science?', 'How does Java compare to Python for data science?'],
      ['Contrast capitalism with socialism', 'Contrast socialism with capitalism'],
    ];
    for (const [a, b] of same) {
      expect(veto(a, b), `${a} / ${b}`).toBeUndefined();
      expect(veto(b, a), `${b} / ${a}`).toBeUndefined();
    }
    expect(vetoReason('How do I fill in the tax form?', 'How do I fill out the tax form?')).toBeUndefined();
    // Only those: other opposite particles, other verbs and a swap beside a comparison still differ.
    const different: [string, string, RegExp][] = [
      ['How do I check in to my flight?', 'How do I check out of my flight?', /opposite words/],
      ['How do I log in to Gmail?', 'How do I log out of Gmail?', /opposite words/],
      ['Convert Python code to Java code', 'Convert Java code to Python code', /words swapped/],
      ['Migrate from MySQL to Postgres', 'Migrate from Postgres to MySQL', /direction reversed/],
      ['Compare the cost of shipping to the UK with the US', 'Compare the cost of shipping from the UK with the US', /opposite words/],
      ['Is a tomato a fruit? Compare them', 'Is a fruit a tomato? Compare them', /words swapped/],
      ['How many teaspoons are in a tablespoon? Compare', 'How many tablespoons are in a teaspoon? Compare', /words swapped/],
    ];
    for (const [a, b, why] of different) {
      expect(veto(a, b), `${a} / ${b}`).toMatch(why);
      expect(veto(b, a), `${b} / ${a}`).toMatch(why);
    }
  });
  it('the judge-less guard serves the two sides of a comparison or a list of names changing places, as the judge path does', () => {
    // Before, the named-entity order rule refused them ("named entities in a different order").
    const same: [string, string][] = [
      ['Compare Python with Java for backend development', 'Compare Java with Python for backend development'],
      ['How does Python compare to Java for data science?', 'How does Java compare to Python for data science?'],
      ['Contrast Marx with Engels', 'Contrast Engels with Marx'],
      ['Should I learn Rust or Swift first?', 'Should I learn Swift or Rust first?'],
    ];
    for (const [a, b] of same) {
      expect(vetoReason(a, b), `${a} / ${b}`).toBeUndefined();
      expect(vetoReason(b, a), `${b} / ${a}`).toBeUndefined();
    }
    // Names in another order anywhere else still differ: a route, a converter, a comparison plus another change.
    const different: [string, string][] = [
      ['Cheapest flights from Paris to Rome', 'Cheapest flights from Rome to Paris'],
      ['Convert Python code to Java code', 'Convert Java code to Python code'],
      ['Did Python come before Java?', 'Did Java come before Python?'],
      ['Compare Python with Java for backend development', 'Compare Java with Python for game development'],
    ];
    for (const [a, b] of different) {
      expect(vetoReason(a, b), `${a} / ${b}`).toBeDefined();
      expect(vetoReason(b, a), `${b} / ${a}`).toBeDefined();
    }
  });
  it('case of an identifier and a word form do not matter', () => {
    expect(vetoReason('Should I upgrade to an iPhone 15 this year?', 'should i upgrade to an iphone 15 this year')).toBeUndefined();
    expect(vetoReason('Which berries are easy to grow?', 'Which berry is easy to grow?')).toBeUndefined();
    expect(vetoReason('Is it and/or?', 'Is it and/or ?')).toBeUndefined();
  });
});

describe('forms of one number or word compare as the same', () => {
  const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
  it.each([
    ['a vulgar fraction / a slash fraction', 'How many ml is ½ cup of milk?', 'How many ml is 1/2 cup of milk?'],
    ['a mixed number', 'How many grams is 3½ cups of flour?', 'How many grams is 3 1/2 cups of flour?'],
    ['the fraction slash', 'How many ml is 3⁄4 cup?', 'How many ml is 3/4 cup?'],
    ['full-width ASCII (CJK input methods)', 'What does error ＡＢＣ１２３ mean on my ＴＶ？', 'What does error ABC123 mean on my TV?'],
    ['star and dash bullets (markdown lists)', 'Plan meals for the week with:\n* rice\n* beans\n* spinach', 'Plan meals for the week with:\n- rice\n- beans\n- spinach'],
    ['a list whose dashes are bullets', 'Shopping list:\n-5 apples\n-3 pears\nWhat can I bake?', 'Shopping list:\n- 5 apples\n- 3 pears\nWhat can I bake?'],
  ])('%s', (_name, a, b) => {
    expect(extractFeatures(a).numbers).toEqual(extractFeatures(b).numbers);
    expect(vetoReason(a, b)).toBeUndefined();
    expect(judge.judge(0.95, a, b).veto).toBeUndefined();
    // The judge sees the two as it sees a prompt and itself, apart from spacing around a bullet.
    if (!a.includes('\n')) expect(judge.features(0.95, a, b)).toEqual(judge.features(0.95, b, b));
  });
  it('a slash between words or numbers is not a rooted path', () => {
    // It read "/weirdest" and "/4" as paths, so the other spelling was refused as a different identifier.
    expect(vetoReason('What is the funniest/weirdest thing you have seen?', 'What is the funniest or weirdest thing you have seen?')).toBeUndefined();
    expect(extractFeatures('Why does /etc/hosts not resolve?').identifiers).toEqual(['/etc/hosts']);
    expect(vetoReason('Why does /etc/hosts not resolve?', 'Why does /etc/resolv.conf not resolve?')).toMatch(/identifiers/);
  });
  it('a sign still counts where it is one, and different fractions still differ', () => {
    expect(extractFeatures('-40 degrees Celsius in Fahrenheit?').numbers).toEqual(['-40']);
    expect(extractFeatures('Convert to Fahrenheit:\n-40\n-10\n25').numbers).toEqual(['-10', '-40', '25']);
    expect(vetoReason('How many ml is ¼ cup?', 'How many ml is 3/4 cup?')).toMatch(/numbers/);
    expect(vetoReason('How many grams is 3½ cups?', 'How many grams is 3 cups?')).toMatch(/numbers/);
  });
});
