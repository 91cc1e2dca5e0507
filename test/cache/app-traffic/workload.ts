/**
 * App-shaped semantic-cache traffic (written before reading how the cache decides): each request
 * carries an answer class `cls`; a semantic hit is right only when the served answer was stored
 * for a request of the same class. Shapes: support bot, RAG, extraction / classification /
 * translation / summarisation templates, multi-turn short replies, personas, parameters, and
 * inputs that differ only in a number, date, name, e-mail, URL, identifier or quoted string.
 * `dev` is what fixes were checked against; `heldOut` is run only at the end.
 */

export type Msg = { role: 'system' | 'user' | 'assistant'; content: string };

export interface AppRequest {
  shape: string;
  cls: string;
  /** OpenAI chat body (model + messages + optional params). */
  body: { model: string; messages: Msg[]; [k: string]: unknown };
}

const MODEL = 'gpt-4o-mini';
const sys = (s: string, u: string, extra: Record<string, unknown> = {}): AppRequest['body'] => ({
  model: MODEL,
  messages: [
    { role: 'system', content: s },
    { role: 'user', content: u },
  ],
  ...extra,
});
const user = (u: string, extra: Record<string, unknown> = {}): AppRequest['body'] => ({ model: MODEL, messages: [{ role: 'user', content: u }], ...extra });

/** Paraphrase groups: every text of a group asks the same thing; groups differ. */
function groups(shape: string, make: (text: string) => AppRequest['body'], gs: string[][]): AppRequest[] {
  return gs.flatMap((g, i) => g.map((t) => ({ shape, cls: `${shape}#${i}`, body: make(t) })));
}

/** A fixed instruction + a variable input: different inputs are different requests, a repeated input (re-phrased instruction) is the same. */
function template(shape: string, instructions: string[], inputs: string[], withSystem?: string): AppRequest[] {
  const out: AppRequest[] = [];
  inputs.forEach((input, i) => {
    instructions.forEach((ins) => {
      const text = ins.replace('{}', input);
      out.push({ shape, cls: `${shape}#${i}`, body: withSystem ? sys(withSystem, text) : user(text) });
    });
  });
  return out;
}

const SUPPORT = 'You are Acme Bank\'s friendly support assistant. Answer briefly and politely. Never give legal advice.';

function multiTurn(shape: string, histories: Array<[string, string]>, replies: string[]): AppRequest[] {
  const out: AppRequest[] = [];
  histories.forEach(([q, a], i) => {
    for (const r of replies) {
      out.push({
        shape,
        cls: `${shape}#${i}:${r}`,
        body: { model: MODEL, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: q }, { role: 'assistant', content: a }, { role: 'user', content: r }] },
      });
    }
  });
  return out;
}

function variants(shape: string, base: string, values: string[], paraphrase?: string): AppRequest[] {
  const out: AppRequest[] = [];
  values.forEach((v, i) => {
    out.push({ shape, cls: `${shape}#${i}`, body: sys(SUPPORT, base.replace('{}', v)) });
    if (paraphrase) out.push({ shape, cls: `${shape}#${i}`, body: sys(SUPPORT, paraphrase.replace('{}', v)) });
  });
  return out;
}

export const dev: AppRequest[] = [
  ...groups('support', (t) => sys(SUPPORT, t), [
    ['How do I reset my online banking password?', 'How can I reset my online banking password?'],
    ['How do I reset my card PIN?', 'How can I change my card PIN?'],
    ['What are your opening hours on Saturday?', 'When are you open on Saturdays?'],
    ['What are your opening hours on Sunday?'],
    ['How do I close my savings account?', 'How can I close my savings account?'],
    ['How do I open a savings account?'],
    ['Why was my card declined?', 'Why did my card get declined?'],
    ['Why was my transfer declined?'],
    ['How long does an international transfer take?', 'How long do international transfers take?'],
    ['How long does a domestic transfer take?'],
  ]),
  ...template(
    'rag',
    ['Use the context to answer.\n\nContext: {}\n\nQuestion: What is the refund window?'],
    [
      'Our store accepts returns within 30 days of purchase with a receipt. Sale items are final.',
      'Our store accepts returns within 14 days of purchase with a receipt. Sale items are final.',
      'Electronics may be returned within 15 days if unopened; opened electronics carry a restocking fee.',
      'Furniture can be returned within 60 days. Delivery fees are not refunded.',
      'Gift cards cannot be refunded or exchanged for cash except where required by law.',
    ],
  ),
  ...template(
    'rag-q',
    ['Context: The Model X vacuum has a 2-hour battery and a 0.5 L dust bin. It weighs 2.8 kg.\n\nQuestion: {}'],
    ['How long does the battery last?', 'How much does it weigh?', 'How big is the dust bin?', 'What is the battery life?'],
  ).map((r) => (r.cls === 'rag-q#3' ? { ...r, cls: 'rag-q#0' } : r)),
  ...template('extract', ['Extract the invoice total from: {}', 'Extract the invoice total from the following text: {}'], [
    'Invoice #4411 — 3 widgets at $12.00 each. Total due: $36.00. Payment within 30 days.',
    'Invoice #4412 — 5 widgets at $12.00 each. Total due: $60.00. Payment within 30 days.',
    'INVOICE 2024-0098 Consulting services, 10 hours. Amount due EUR 1,250.00 by March 3.',
    'Receipt: coffee 3.50, bagel 2.75, tip 1.00, total 7.25',
    'Receipt: coffee 3.50, muffin 3.25, tip 1.00, total 7.75',
  ]),
  ...template('classify', ["Is this review positive? '{}'"], [
    'The food was great and the staff were friendly.',
    'The food was cold and the staff were rude.',
    'The food was great but the staff were rude.',
    'Absolutely loved it, will come back!',
    'Never coming back, what a waste of money.',
  ]),
  ...template('classify-unquoted', ['Classify the sentiment of this review as positive or negative: {}'], [
    'The battery life is excellent and the screen is bright.',
    'The battery life is terrible and the screen is dim.',
    'Delivery was fast and the packaging was perfect.',
    'Delivery was slow and the packaging was damaged.',
    'It works as described.',
  ]),
  ...template('translate', ['Translate into French: {}', 'Translate this into French: {}'], [
    'Where is the train station?',
    'Where is the bus station?',
    'I would like a cup of coffee, please.',
    'I would like a cup of tea, please.',
    'The meeting is cancelled.',
    'The meeting is postponed.',
  ]),
  ...template('summarise', ['Summarise in one sentence: {}'], [
    'The city council voted on Tuesday to expand the bike lane network by 40 kilometres over the next five years, citing rising cycling numbers and safety concerns after several accidents.',
    'The city council voted on Tuesday to reject a proposal to expand the bike lane network, citing the cost and objections from local shop owners about lost parking.',
    'Quarterly revenue rose 12 percent to 4.2 billion dollars, driven by strong cloud sales, while hardware revenue fell for the third quarter in a row.',
    'Quarterly revenue fell 8 percent to 3.1 billion dollars as cloud growth slowed, although hardware revenue recovered for the first time in a year.',
  ]),
  ...multiTurn(
    'multiturn',
    [
      ['Write a haiku about autumn.', 'Crimson leaves falling / whisper to the cooling earth / summer says goodbye'],
      ['Write a haiku about the sea.', 'Waves fold into foam / salt wind carries gull voices / the tide keeps its time'],
      ['Explain what a mutex is.', 'A mutex is a lock that lets only one thread at a time enter a critical section.'],
      ['Should I learn Rust or Go first?', 'Both are good; Go is simpler to start with, Rust teaches memory safety.'],
    ],
    ['yes', 'go on', 'make it shorter'],
  ),
  ...(['You are a pirate. Answer in pirate speak.', 'You are a formal butler. Answer formally.', 'Answer in Spanish.', 'Answer in German.'].map((s, i) => ({
    shape: 'persona',
    cls: `persona#${i}`,
    body: sys(s, 'What is the capital of Australia?'),
  })) satisfies AppRequest[]),
  ...[
    { temperature: 0 },
    { temperature: 1.2 },
    { response_format: { type: 'json_object' } },
    { tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] },
    { max_tokens: 20 },
  ].map((extra, i) => ({ shape: 'params', cls: `params#${i}`, body: sys(SUPPORT, 'Tell me about the weather in Paris.', extra) })),
  ...variants('number', 'What is the daily ATM withdrawal limit for account tier {}?', ['1', '2', '3']),
  ...variants('number', 'Can I transfer {} dollars to another bank today?', ['500', '5000', '50000']),
  ...variants('date', 'Is the branch open on {}?', ['December 24', 'December 25', 'December 26']),
  ...variants('date', 'Show my transactions from {}.', ['2024-03-01', '2024-04-01']),
  ...variants('name', 'Please update the account holder name to {}.', ['John Smith', 'Jane Smith', 'John Smyth']),
  ...variants('name', 'Write a short birthday message for {}.', ['Alice', 'Bob', 'Carol']),
  ...variants('email', 'Send the statement to {}.', ['john.smith@example.com', 'jane.smith@example.com', 'john.smith@example.org']),
  ...variants('url', 'Is this link safe to open: {}', ['https://acme-bank.com/login', 'https://acme-bank.co/login', 'http://acme-bank.com.verify-now.ru/login']),
  ...variants('identifier', 'What does the error code {} mean?', ['E1024', 'E1025', 'ERR_CARD_EXPIRED']),
  ...variants('identifier', 'How do I use {} in pandas?', ['df.groupby', 'df.pivot_table', 'df.merge']),
  ...variants('quoted', 'What does the phrase "{}" mean?', ['break a leg', 'break the ice', 'spill the beans']),
  ...template('code', ['Explain what this code does: {}'], [
    'for i in range(10): print(i)',
    'for i in range(10): print(i * i)',
    'x = [a for a in items if a > 0]',
    'x = [a for a in items if a < 0]',
  ]),
  ...template('language-in-text', ['{}: How do I block my card?'], ['Answer in French', 'Answer in German', 'Answer in Spanish', 'Answer in English']),
  ...template('lang-translate-to', ['Translate "good morning, how are you?" into {}.'], ['French', 'German', 'Italian', 'Japanese']),
];

/** Second dev batch (written after the first run, before the fix was extended): no colon, instruction after the input, more support paraphrases. */
export const dev2: AppRequest[] = [
  ...groups('support2', (t) => sys(SUPPORT, t), [
    ['Can I order a new debit card online?', 'Is it possible to order a new debit card online?'],
    ['Can I order a new credit card online?'],
    ['What is the fee for a foreign ATM withdrawal?', 'How much does it cost to withdraw cash abroad?', 'What do you charge for foreign ATM withdrawals?'],
    ['What is the fee for a foreign card payment?'],
    ['I forgot my username, what should I do?', 'What should I do if I forgot my username?'],
    ['I forgot my password, what should I do?'],
    ['How do I freeze my card?', 'How can I freeze my card?', 'How do I temporarily block my card?'],
    ['How do I unfreeze my card?'],
    ['Do you charge a monthly fee for the basic account?', 'Is there a monthly fee on the basic account?'],
    ['Do you charge a monthly fee for the premium account?'],
  ]),
  ...template('classify-q', ['Is this review positive? {}'], [
    'The food was great and the staff were friendly.',
    'The food was cold and the staff were rude.',
    'Great location, terrible breakfast.',
    'Great breakfast, terrible location.',
  ]),
  ...template('translate-noc', ['Translate {} to French', 'Please translate {} to French'], ['good morning', 'good night', 'thank you very much']),
  ...template('trailing-instruction', ['{}\n\nSummarise the above in one sentence.', '{}\n\nSummarize the text above in one sentence.'], [
    'The library will close for renovation from June to August. Members can borrow up to 20 books before the closure.',
    'The library will reopen after renovation in September. Members can borrow up to 20 books after the reopening.',
    'The new bridge opened to traffic on Monday after three years of construction.',
  ]),
  ...template('trailing-language', ['{} Answer in French.'], ['How do I block my card?', 'How do I activate my card?', 'How do I order a new card?']),
  ...template('language-last', ['How do I block my card? Answer in {}.'], ['French', 'German', 'Spanish']),
  ...template('extract-json', ['Return the name and email as JSON. {}'], ['Name: John Smith, email john@acme.com', 'Name: Jane Smith, email jane@acme.com', 'Name: John Smith, email john@acme.org']),
  ...template('newline-input', ['Fix the spelling in the text below.\n{}'], ['I recieved the pakage yesterday.', 'I recieved the letter yesterday.', 'Their going to the park.']),
];

export const heldOut: AppRequest[] = [
  ...groups('support', (t) => sys('You are the help bot of CloudDrive, a file storage service. Be concise.', t), [
    ['How do I share a folder with a colleague?', 'How can I share a folder with a coworker?'],
    ['How do I share a file with a colleague?'],
    ['How do I recover deleted files?', 'How can I restore deleted files?'],
    ['How do I recover a deleted folder?'],
    ['How much storage do I get on the free plan?', 'How much space does the free plan include?'],
    ['How much storage do I get on the pro plan?'],
  ]),
  ...template('rag', ['Answer using only this document.\nDocument: {}\nQuestion: Who is eligible for the discount?'], [
    'Students and seniors over 65 get a 20% discount on weekday tickets.',
    'Members of the loyalty club get a 10% discount on all tickets.',
    'Children under 12 travel free when accompanied by an adult.',
  ]),
  ...template('extract', ['Extract the customer email address from this message: {}'], [
    'Hi, this is Tom, please reply to tom.baker@mail.com about my order 5531.',
    'Hi, this is Tom, please reply to tom.baker@gmail.com about my order 5531.',
    'Hello, order 7712 arrived broken, contact me at ana.ruiz@example.es',
  ]),
  ...template('extract', ['Extract the due date from: {}'], ['Your payment of $80 is due on 12 May 2025.', 'Your payment of $80 is due on 21 May 2025.', 'Rent must be paid by the first of the month.']),
  ...template('classify', ['Is this message spam? Answer yes or no. Message: "{}"'], [
    'Congratulations, you won a free cruise! Click here to claim.',
    'Hi mom, I will be home late tonight.',
    'Your package could not be delivered, pay the fee at this link.',
  ]),
  ...template('classify-unquoted', ['Label the topic of this headline (sports, politics, tech): {}'], [
    'Local team wins the championship after extra time',
    'Parliament passes the new budget after long debate',
    'New phone chip doubles battery life',
  ]),
  ...template('translate', ['Translate into German: {}', 'Please translate into German: {}'], ['My flight is delayed.', 'My flight is cancelled.', 'Where can I buy a ticket?', 'Where can I buy a map?']),
  ...template('summarise', ['TL;DR: {}'], [
    'The new update improves startup time by 30 percent and fixes a crash when opening large files on older laptops.',
    'The new update slows startup time by 30 percent but fixes a crash when opening large files on older laptops.',
  ]),
  ...multiTurn(
    'multiturn',
    [
      ['Draft an email to my landlord about the broken heater.', 'Dear landlord, the heater in my flat has stopped working...'],
      ['Draft an email to my boss asking for Friday off.', 'Hi, could I take this Friday off? ...'],
      ['Give me a recipe for pancakes.', 'Mix flour, eggs and milk, then fry in a hot pan...'],
    ],
    ['continue', 'make it more formal', 'thanks'],
  ),
  ...(['You are a kindergarten teacher.', 'You are a physics professor.', 'Respond in French.'].map((s, i) => ({ shape: 'persona', cls: `persona#${i}`, body: sys(s, 'Why is the sky blue?') })) satisfies AppRequest[]),
  ...[{ n: 1 }, { temperature: 0.2 }, { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } } }].map((extra, i) => ({ shape: 'params', cls: `params#${i}`, body: user('List three fruits.', extra) })),
  ...variants('number', 'Convert {} miles to kilometres.', ['3', '30', '13']),
  ...variants('number', 'What is the tax on a salary of {} a year?', ['$40,000', '$45,000']),
  ...variants('date', 'What day of the week was {}?', ['July 4, 1976', 'July 4, 1977', 'July 14, 1976']),
  ...variants('name', 'Tell me a fun fact about {}.', ['Marie Curie', 'Pierre Curie', 'Isaac Newton']),
  ...variants('email', 'Unsubscribe {} from the newsletter.', ['bob@shop.com', 'rob@shop.com']),
  ...variants('url', 'Summarise the page at {}', ['https://example.com/blog/post-1', 'https://example.com/blog/post-2']),
  ...variants('identifier', 'What does the function {} do?', ['parseInt', 'parseFloat', 'Number.isInteger']),
  ...variants('quoted', "Fix the grammar in '{}'", ['he go to school', 'she go to work', 'they goes home']),
  ...template('code', ['Find the bug in: {}'], ['if (a = b) { run(); }', 'if (a == b) { run(); }', 'while (i <= n) { i++; }']),
  ...template('language-in-text', ['{}, please: what are your opening hours?'], ['In Italian', 'In Portuguese', 'In Dutch']),
];
