/**
 * Realistic requests as apps send them, labelled by the rubric in README.md before the router was
 * read. Each case is a request body for one wire protocol.
 */
import { createHash } from 'node:crypto';

export type Tier = 'small' | 'medium' | 'large';
export type Shape = 'openai' | 'anthropic' | 'responses';
export interface UnseenCase {
  id: string;
  tier: Tier;
  shape: Shape;
  kind: string;
  body: Record<string, unknown>;
}

/** About a third of the cases, by a hash of the id. */
export function holdout(id: string): boolean {
  return createHash('sha256').update(id).digest()[0]! % 3 === 0;
}

type Turn = string;
interface Opts {
  tools?: boolean;
  json?: boolean;
}

const oaTools = [
  {
    type: 'function',
    function: {
      name: 'search_docs',
      description: 'Search the internal documentation',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'run_shell',
      description: 'Run a shell command in the sandbox and return stdout/stderr',
      parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] },
    },
  },
];
const anTools = oaTools.map((t) => ({
  name: t.function.name,
  description: t.function.description,
  input_schema: t.function.parameters,
}));
const rsTools = oaTools.map((t) => ({ type: 'function', ...t.function }));

function oa(system: string | undefined, turns: Turn[], o: Opts = {}): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  if (system) messages.push({ role: 'system', content: system });
  for (const [i, t] of turns.entries()) messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: t });
  return {
    model: 'auto',
    messages,
    ...(o.tools ? { tools: oaTools } : {}),
    ...(o.json ? { response_format: { type: 'json_object' } } : {}),
  };
}
function an(system: string | undefined, turns: Turn[], o: Opts = {}): Record<string, unknown> {
  return {
    model: 'auto',
    max_tokens: 1024,
    ...(system ? { system } : {}),
    messages: turns.map((t, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: i % 4 === 0 ? [{ type: 'text', text: t }] : t,
    })),
    ...(o.tools ? { tools: anTools } : {}),
  };
}
function rs(system: string | undefined, turns: Turn[], o: Opts = {}): Record<string, unknown> {
  const input =
    turns.length === 1 && !o.tools
      ? turns[0]
      : turns.map((t, i) =>
          i % 2 === 0
            ? { role: 'user', content: [{ type: 'input_text', text: t }] }
            : { role: 'assistant', content: [{ type: 'output_text', text: t }] },
        );
  return {
    model: 'auto',
    ...(system ? { instructions: system } : {}),
    input,
    ...(o.tools ? { tools: rsTools } : {}),
    ...(o.json ? { text: { format: { type: 'json_object' } } } : {}),
  };
}
const builders = { openai: oa, anthropic: an, responses: rs };
const shapes: Shape[] = ['openai', 'anthropic', 'responses'];

const cases: UnseenCase[] = [];
let n = 0;
/** A case whose shape rotates through the three protocols. */
function add(kind: string, tier: Tier, system: string | undefined, turns: Turn[], o: Opts = {}): void {
  const shape = shapes[n % 3]!;
  n++;
  cases.push({ id: `${kind}-${n}`, tier, shape, kind, body: builders[shape](system, turns, o) });
}
function addRaw(kind: string, tier: Tier, shape: Shape, body: Record<string, unknown>): void {
  n++;
  cases.push({ id: `${kind}-${n}`, tier, shape, kind, body });
}

// ---------- long material, built deterministically ----------
function logDump(lines: number, seed: number): string {
  const svc = ['api', 'worker', 'scheduler', 'billing', 'auth'];
  const msgs = [
    'GET /v1/orders 200 12ms',
    'cache miss for key user:%',
    'job % completed in 340ms',
    'retrying upstream call (attempt 2)',
    'POST /v1/payments 201 88ms',
    'connection pool size=20 idle=14',
    'token refreshed for tenant %',
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const s = (i * 7 + seed) % 60;
    out.push(
      `2026-03-14T09:${String(12 + Math.floor(i / 60)).padStart(2, '0')}:${String(s).padStart(2, '0')}Z ${svc[(i + seed) % 5]} INFO ${msgs[(i * 3 + seed) % msgs.length]!.replace('%', String(1000 + i))}`,
    );
  }
  return out.join('\n');
}
const contractClauses = [
  'The Supplier shall deliver the Services in accordance with the Service Levels set out in Schedule 2.',
  'Either party may terminate this Agreement on ninety (90) days written notice to the other party.',
  'The Customer shall pay all undisputed invoices within thirty (30) days of the date of receipt.',
  'Neither party shall be liable for any indirect or consequential loss arising under this Agreement.',
  'All Intellectual Property Rights in the Deliverables shall vest in the Customer upon payment in full.',
  'The Supplier shall maintain insurance cover of not less than five million pounds for professional indemnity.',
  'Any dispute shall first be referred to the parties respective project managers for resolution.',
  'This Agreement shall be governed by and construed in accordance with the laws of England and Wales.',
];
function contract(clauses: number): string {
  const out = ['MASTER SERVICES AGREEMENT dated 4 February 2025 between Northwind Ltd ("Customer") and Brightline Systems plc ("Supplier").'];
  for (let i = 0; i < clauses; i++) out.push(`${i + 1}. ${contractClauses[i % contractClauses.length]}`);
  return out.join('\n');
}
const articleParas = [
  'The city council voted on Tuesday to extend the tram line to the northern suburbs, a project expected to cost 240 million euros over six years.',
  'Supporters argue the extension will cut commuting times by a third and reduce car traffic on the ring road, which carries 90,000 vehicles a day.',
  'Critics, including two opposition parties, say the budget estimate is unrealistic and point to the previous line, which ran 40 percent over budget.',
  'Construction is due to begin next spring, with the first four stations opening in 2028 and the full line by 2031.',
  'Local businesses along the planned route have asked for compensation for the disruption during the building works.',
  'The regional government has promised to cover half of the cost, with the rest coming from municipal bonds and a European grant.',
];
function article(paras: number): string {
  const out: string[] = [];
  for (let i = 0; i < paras; i++) out.push(articleParas[i % articleParas.length]!);
  return out.join('\n\n');
}
function codeFile(fns: number): string {
  const out = ["import { db } from './db';", "import { logger } from './log';", ''];
  for (let i = 0; i < fns; i++) {
    out.push(
      `export async function loadRecord${i}(id: string) {\n  const row = await db.query('SELECT * FROM records_${i} WHERE id = $1', [id]);\n  if (!row) {\n    logger.warn('missing record', { id });\n    return undefined;\n  }\n  return { ...row, loadedAt: Date.now() };\n}\n`,
    );
  }
  return out.join('\n');
}

// ---------- greetings and acknowledgements (small) ----------
add('greet', 'small', undefined, ['hi']);
add('greet', 'small', 'You are a helpful assistant.', ['Hello! How are you today?']);
add('greet', 'small', undefined, ['thanks!']);
add('greet', 'small', 'You are Acme Support. Be friendly and brief.', ['ok got it, thank you']);
add('greet', 'small', undefined, ['good morning :)']);
add('greet', 'small', undefined, ['👍']);
add('greet', 'small', undefined, ['cool, that worked. bye']);
add('greet', 'small', 'You are a coding assistant in VS Code.', ['nvm, I figured it out']);
add('greet', 'small', undefined, [
  'Design a sharding scheme for our 4 TB Postgres multi-tenant database so no tenant ever spans two shards and rebalancing never needs downtime. Explain the trade-offs.',
  'Here is a design: hash tenants into 4096 virtual buckets, map buckets to shards in a directory table, move a bucket with logical replication then a short write fence... (long answer)',
  'perfect, thanks a lot!',
]);
add('greet', 'small', undefined, [
  'Prove that every finite integral domain is a field.',
  'Let D be a finite integral domain and a ≠ 0. The map x ↦ ax is injective because ax = ay implies a(x−y)=0 so x=y... hence a has an inverse.',
  'Great, makes sense now. Thanks!',
]);
add('greet', 'small', undefined, ['Can you hear me? just testing the connection']);
add('greet', 'small', 'You are a helpful assistant.', ['what can you do?']);

// ---------- arithmetic and facts (small) ----------
add('fact', 'small', undefined, ['What is 17% of 240?']);
add('fact', 'small', undefined, ['convert 72 fahrenheit to celsius']);
add('fact', 'small', undefined, ['How many days are there in a leap year?']);
add('fact', 'small', undefined, ['What is the capital of Australia?']);
add('fact', 'small', undefined, ['what year did the Berlin wall fall']);
add('fact', 'small', 'Answer with a number only.', ['12 * 35']);
add('fact', 'small', undefined, ['How many ounces in a pound?']);
add('fact', 'small', undefined, ['Who wrote Pride and Prejudice?']);
add('fact', 'small', undefined, ['What does HTTP status 404 mean?']);
add('fact', 'small', undefined, ['Is a tomato a fruit or a vegetable?']);
add('fact', 'small', undefined, ['What is the plural of "cactus"?']);
add('fact', 'small', undefined, ['Round 3.14159 to two decimal places.']);
add('fact', 'small', undefined, ['What time is it in Tokyo when it is 9am in London (winter)?']);
add('fact', 'small', undefined, ['What port does PostgreSQL use by default?']);

// ---------- maths: medium exercises and large proofs ----------
add('math', 'medium', undefined, ['Find the derivative of f(x) = x^2 · sin(3x) and simplify.']);
add('math', 'medium', undefined, [
  'A train leaves at 9:40 at 80 km/h; a second leaves the same station at 10:10 at 110 km/h on a parallel track. When and where does the second catch up? Show the steps.',
]);
add('math', 'medium', undefined, ['Compute the integral of x·e^(2x) from 0 to 1.']);
add('math', 'medium', undefined, [
  'I have a loan of $250,000 at 5.25% APR over 30 years. What is the monthly payment, and how much interest do I pay in total?',
]);
add('math', 'medium', undefined, ['Solve the system: 2x + 3y - z = 5, x - y + 2z = 3, 3x + y + z = 10.']);
add('math', 'medium', undefined, [
  'Two dice are rolled. What is the probability that the sum is prime given that at least one die shows a 4?',
]);
add('math', 'large', undefined, ['Prove that there are infinitely many primes of the form 4k+3.']);
add('math', 'large', undefined, ['Show that sqrt(2) + sqrt(3) is irrational.']);
add('math', 'large', undefined, [
  'Let f: R → R satisfy f(x + y) = f(x) + f(y) and be continuous at one point. Prove f(x) = cx for all x.',
]);
add('math', 'large', undefined, ['Prove that every group of order p^2, p prime, is abelian.']);
add('math', 'large', undefined, [
  'Find all positive integers n such that n^2 + 2^n is a perfect square. Give a complete proof.',
]);
add('math', 'large', 'You are a careful mathematician. Give rigorous proofs.', [
  'Is the series sum_{n>=2} 1/(n (log n)^p) convergent? For which p? Prove it.',
]);
add('math', 'large', undefined, [
  'A point is chosen uniformly at random inside a unit square. What is the expected distance to the nearest side? Then do the same for the expected distance to the nearest corner, exactly.',
]);
add('math', 'large', undefined, [
  'Prove or disprove: if A and B are n×n real matrices with AB = BA and both diagonalizable, then they are simultaneously diagonalizable.',
]);

// ---------- extraction / classification with system prompts and JSON ----------
add(
  'extract',
  'small',
  'Extract the fields {name, email, company} from the message. Reply with JSON only.',
  ['Hi, I am Dana Whitfield from Orbital Freight, reach me at dana.w@orbitalfreight.io about the quote.'],
  { json: true },
);
add('extract', 'small', 'Classify the sentiment of the review as positive, negative or neutral. One word.', [
  'The battery lasts forever but the screen scratches way too easily. Overall pretty happy.',
]);
add('extract', 'small', 'You label support tickets. Categories: billing, bug, feature_request, account, other. Reply with the category only.', [
  'I was charged twice for my March subscription, please refund one of them.',
]);
add(
  'extract',
  'small',
  'Return a JSON object {"language": ISO 639-1 code}.',
  ['Je voudrais réserver une table pour deux personnes ce soir.'],
  { json: true },
);
add('extract', 'small', 'Is this email spam? Answer yes or no.', [
  'Congratulations!!! You have been selected to receive a $1000 gift card. Click here to claim within 24 hours.',
]);
add(
  'extract',
  'small',
  'Extract every date mentioned as ISO 8601 in a JSON array under "dates".',
  ['We kicked off on March 3rd 2025, the beta is planned for 15/06/2025 and GA for early September (Sept 1, 2025).'],
  { json: true },
);
add('extract', 'small', 'Tag the product with up to 3 categories from: kitchen, garden, electronics, toys, clothing, sports.', [
  'Stainless steel insulated water bottle, 750ml, keeps drinks cold for 24h, ideal for hiking and the gym.',
]);
add(
  'extract',
  'small',
  'You are an invoice parser. Output JSON {invoice_number, total, currency, due_date}.',
  [
    'INVOICE #INV-20931\nBill to: Kestrel Labs\nDescription: Consulting (12h @ 150)\nSubtotal 1800.00\nVAT 20% 360.00\nTOTAL DUE: EUR 2,160.00\nPayment due by 30 April 2025',
  ],
  { json: true },
);
add('extract', 'small', 'Detect the intent: one of order_status, cancel_order, change_address, talk_to_human.', [
  'where is my package?? it was supposed to arrive yesterday',
]);
add('extract', 'small', 'Rewrite the text in all lowercase, keep punctuation.', ['The Quick Brown Fox Jumps Over The Lazy Dog.']);
add(
  'extract',
  'small',
  'Convert the CSV to a JSON array of objects.',
  ['name,age,city\nAna,31,Lisbon\nBen,27,Leeds\nChloe,45,Lyon'],
  { json: true },
);
add('extract', 'small', 'Given a news headline, return the topic: politics, sport, business, science, entertainment.', [
  'Central bank holds interest rates steady for third month as inflation eases',
]);
add(
  'extract',
  'medium',
  'Extract all obligations of the Supplier from the contract as a JSON list of {clause, obligation, deadline|null}.',
  [contract(24)],
  { json: true },
);
add('extract', 'medium', 'You are a medical coding assistant. Map the clinician note to ICD-10 codes with a one-line justification each.', [
  'Pt 58M presents with 3 days of productive cough, fever 38.6C, RLL crackles. CXR: RLL consolidation. Hx T2DM on metformin, HTN. Dx community-acquired pneumonia. Started amoxicillin-clavulanate.',
]);

// ---------- translation ----------
add('translate', 'small', undefined, ['Translate to Spanish: "Where is the nearest pharmacy?"']);
add('translate', 'small', 'You are a translation engine. Translate the user text into German. Output only the translation.', [
  'Your order has been shipped and will arrive on Friday.',
]);
add('translate', 'small', undefined, ['How do you say "thank you very much" in Japanese?']);
add('translate', 'small', 'Translate to English.', ['Il pleut depuis trois jours et la rivière a débordé.']);
add('translate', 'small', undefined, ['translate "good luck with the exam" into Italian and Portuguese']);
add('translate', 'medium', 'Translate into French for a legal audience. Preserve defined terms and numbering exactly.', [contract(10)]);
add('translate', 'medium', undefined, [
  'Translate this marketing tagline into Japanese in three different tones (playful, premium, technical) and explain the nuance of each: "Your data, finally under your control."',
]);

// ---------- summarisation ----------
add('summary', 'small', undefined, [
  'Summarise in one sentence: The meeting moved the launch from May 2 to May 16 because the payment provider certification is late; marketing keeps the same budget.',
]);
add('summary', 'small', 'Give a 5-word title for the text.', [article(2)]);
add('summary', 'medium', 'You write executive summaries: 5 bullet points, each with a number from the text.', [article(14)]);
add('summary', 'medium', undefined, [`Summarize the key risks in this contract for the Customer:\n\n${contract(30)}`]);
add('summary', 'medium', undefined, [`TL;DR of this article please, then list the stakeholders and their positions:\n\n${article(12)}`]);

// ---------- long pasted material with a trivial ask (small) ----------
add('longdoc-trivial', 'small', undefined, [`${logDump(250, 1)}\n\nWhat is the timestamp of the first line?`]);
add('longdoc-trivial', 'small', undefined, [`What is the date of this agreement?\n\n${contract(40)}`]);
add('longdoc-trivial', 'small', 'You are a helpful assistant.', [`${article(20)}\n\nHow much is the project expected to cost?`]);
add('longdoc-trivial', 'small', undefined, [`${codeFile(30)}\n\nwhat's the name of the logger import?`]);
add('longdoc-trivial', 'small', undefined, [`Count how many lines mention "billing":\n\n${logDump(40, 3)}`]);
add('longdoc-trivial', 'small', undefined, [`${contract(35)}\n\nWhich country's law governs this agreement?`]);
add('longdoc-trivial', 'small', 'Answer only from the provided document.', [`Document:\n${article(18)}\n\nQuestion: when does construction begin?`]);
add('longdoc-trivial', 'small', undefined, [`${logDump(300, 5)}\n\nany lines with ERROR in there? yes/no`]);
add('longdoc-trivial', 'small', undefined, [`Fix the typos only, don't change anything else:\n\n${article(3).replace(/the/g, 'teh')}`]);
add('longdoc-trivial', 'small', undefined, [`${codeFile(25)}\n\nHow many functions are exported in this file?`]);
add('longdoc-trivial', 'small', 'You are a helpful assistant.', [`Who are the two parties?\n\n${contract(50)}`]);
add('longdoc-trivial', 'small', undefined, [`${article(24)}\n\nTranslate the first sentence of the article into Spanish.`]);

// ---------- long material with a hard ask (large) ----------
add('longdoc-hard', 'large', undefined, [
  `${codeFile(20)}\n\nThese loaders are called concurrently from 64 workers and we sometimes get stale records and a connection pool exhaustion under load. Find the root cause(s), explain the interleaving, and propose a fix that keeps p99 latency down.`,
]);
add('longdoc-hard', 'large', 'You are a senior commercial lawyer advising the Customer.', [
  `${contract(40)}\n\nWe want to exit in 6 months without paying for the full term and keep the IP we have paid for so far. Analyse our options under this agreement, the risks of each, and draft the notice we should send.`,
]);
add('longdoc-hard', 'large', undefined, [
  `${logDump(200, 7)}\n\nOur p99 latency doubled at 09:14 and recovered at 09:16. Correlate the events across services in this log, build a timeline, and give the most likely causal chain with the evidence for each step.`,
]);
add('longdoc-hard', 'large', undefined, [
  `Here is our service code:\n\n${codeFile(18)}\n\nRefactor this to a single generic repository with batching (DataLoader-style) while preserving the exact logging and undefined-return semantics, and show how to migrate callers incrementally without a flag day.`,
]);
add('longdoc-hard', 'large', 'You are a policy analyst.', [
  `${article(20)}\n\nBuild a cost-benefit model of this tram extension: state assumptions, estimate ridership and time savings, compute NPV at 3% and 5% discount rates, and say under which assumptions the project is not worth it.`,
]);
add('longdoc-hard', 'large', undefined, [
  `Review this module for security vulnerabilities (SQL injection, authz, timing, data exposure) and rank them by severity with exploit scenarios:\n\n${codeFile(16)}`,
]);

// ---------- short asks that need deep reasoning (large) ----------
add('short-hard', 'large', undefined, ['Is a lock-free MPMC queue built on a single CAS on the tail linearizable? Argue carefully.']);
add('short-hard', 'large', undefined, ['Why does Raft need the leader completeness property, and what breaks without it? Give a concrete execution.']);
add('short-hard', 'large', undefined, ['Can two-phase commit be made non-blocking? Prove your answer.']);
add('short-hard', 'large', undefined, ['What is the time complexity of the best known algorithm for matrix multiplication and why is ω conjectured to be 2?']);
add('short-hard', 'large', undefined, ['Design a rate limiter that is exact across 12 regions with < 5ms added latency. Trade-offs?']);
add('short-hard', 'large', undefined, ['Is P vs NP relevant to breaking AES-256 in practice? Explain rigorously.']);
add('short-hard', 'large', undefined, ['Explain why the halting problem is undecidable and use it to show Rice\'s theorem.']);
add('short-hard', 'large', undefined, ['When does snapshot isolation allow write skew? Give an example and a fix without going serializable.']);
add('short-hard', 'large', undefined, ['How would you detect a memory leak in a Node service that only appears after 3 days in production, with no repro?']);
add('short-hard', 'large', undefined, ['Should we use CRDTs or OT for a collaborative rich-text editor with offline mode? Decide and justify.']);
add('short-hard', 'large', undefined, ['My tax residency: I lived 150 days in Spain, 120 in Portugal, rest travelling, income from a US LLC. Where do I owe tax?']);
add('short-hard', 'large', undefined, ['Patient on warfarin wants to start fluconazole and ibuprofen. What are the interactions and what should be monitored?']);
add('short-hard', 'large', undefined, ['Find the bug: `for (var i = 0; i < 3; i++) setTimeout(() => console.log(i))` then explain the exact event-loop semantics.']);
add('short-hard', 'medium', undefined, ['What is the difference between a mutex and a semaphore?']);
add('short-hard', 'large', undefined, ['Plan a 3-day schedule for 7 speakers across 2 rooms with these conflicts: A and B never same slot, C only mornings, D after E, F needs the big room, G only day 2. Find a valid schedule or prove none exists.']);
add('short-hard', 'large', undefined, ['A bat and a ball cost $1.10 in total... no wait. Three gods A, B, C are called True, False, Random. Determine their identities with three yes/no questions.']);

// ---------- code: small ----------
add('code-small', 'small', undefined, ['regex for a US zip code']);
add('code-small', 'small', undefined, ['how do I list hidden files in linux']);
add('code-small', 'small', undefined, ['python one liner to reverse a string']);
add('code-small', 'small', undefined, ['What is the git command to undo the last commit but keep the changes?']);
add('code-small', 'small', 'You are a coding assistant.', ['How do I get the length of an array in JavaScript?']);
add('code-small', 'small', undefined, ['convert this to an arrow function: function add(a, b) { return a + b; }']);
add('code-small', 'small', undefined, ['what does `chmod 755` do?']);
add('code-small', 'small', undefined, ['SQL: count rows in table users']);

// ---------- code: medium ----------
add('code-medium', 'medium', undefined, ['Write a TypeScript function that debounces another function, with a cancel() method and correct typing.']);
add('code-medium', 'medium', undefined, [
  "I get `TypeError: Cannot read properties of undefined (reading 'map')` at ProductList.tsx:14 when the page first loads. The component does `props.items.map(...)` and items come from a fetch in the parent. How do I fix it?",
]);
add('code-medium', 'medium', undefined, [
  'Write a SQL query: for each customer, their total spend in 2024 and their most purchased product category, only customers with at least 3 orders. Tables: customers(id,name), orders(id,customer_id,created_at), order_items(order_id,product_id,qty,price), products(id,category).',
]);
add('code-medium', 'medium', 'You are a senior Python reviewer. Be concise.', [
  'def get_user(users, id):\n    for u in users:\n        if u["id"] == id:\n            return u\n    return None\n\nMake this faster for repeated lookups and add type hints.',
]);
add('code-medium', 'medium', undefined, ['Write a bash script that backs up /var/www to S3 nightly, keeps 14 days, and emails on failure.']);
add('code-medium', 'medium', undefined, [
  'Explain what this does and write unit tests for it:\n\nexport const chunk = <T,>(xs: T[], n: number): T[][] => xs.reduce<T[][]>((a, x, i) => (i % n ? a[a.length-1].push(x) : a.push([x]), a), []);',
]);
add('code-medium', 'medium', undefined, [
  'My Docker build is slow because npm install runs every time even if package.json did not change. Here is the Dockerfile:\nFROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nCMD ["node","dist/index.js"]\nHow do I fix it?',
]);
add('code-medium', 'medium', undefined, ['Implement an LRU cache in Go with Get/Put in O(1), safe for concurrent use.']);
add('code-medium', 'medium', undefined, [
  'Traceback (most recent call last):\n  File "app.py", line 42, in <module>\n    df = pd.merge(orders, users, on="user_id")\n  File ".../pandas/core/reshape/merge.py", line 1203, in _maybe_coerce_merge_keys\n    raise ValueError(msg)\nValueError: You are trying to merge on object and int64 columns. If you wish to proceed you should use pd.concat\n\nwhat do I do',
]);
add('code-medium', 'medium', undefined, ['Write a React hook useLocalStorage<T>(key, initial) that syncs across tabs.']);
add('code-medium', 'medium', undefined, ['Convert this callback code to async/await:\nfs.readFile(p, (err, data) => { if (err) return cb(err); parse(data, (err2, obj) => { if (err2) return cb(err2); cb(null, obj); }); });']);
add('code-medium', 'medium', undefined, ['Write a GitHub Actions workflow that runs tests on Node 18 and 20, caches npm, and uploads coverage.']);

// ---------- code: large ----------
add('code-hard', 'large', undefined, [
  'This Go code deadlocks about once a day in prod:\n\nfunc (c *Cache) Get(k string) V {\n  c.mu.RLock()\n  defer c.mu.RUnlock()\n  v, ok := c.m[k]\n  if !ok {\n    c.mu.Lock()\n    v = c.load(k)\n    c.m[k] = v\n    c.mu.Unlock()\n  }\n  return v\n}\n\nExplain exactly why and fix it without a global lock on the load path (loads are slow, 200ms).',
]);
add('code-hard', 'large', 'You are a principal engineer doing design review.', [
  'We process 40k events/s from Kafka into Postgres with exactly-once semantics today using a transactional outbox, but consumer lag spikes during rebalances. Propose a redesign, including failure modes, and how to migrate without losing or duplicating events.',
]);
add('code-hard', 'large', undefined, [
  'Write a parser for a subset of SQL (SELECT with WHERE, AND/OR precedence, parentheses, IN lists, string escapes) in Rust with good error messages, and explain how you handle ambiguity.',
]);
add('code-hard', 'large', undefined, [
  'Our React app re-renders the whole table (5k rows) on every keystroke in a search box even though we use useMemo. Here is the structure: App holds `query` in state, passes `rows.filter(r => r.name.includes(query))` to <Table rows=...>, Table maps rows to <Row> with onClick={() => select(r.id)}. Diagnose all the causes and give a fix that keeps typing at 60fps.',
]);
add('code-hard', 'large', undefined, [
  'Review this auth middleware for vulnerabilities:\n\napp.use((req,res,next)=>{ const t=req.headers.authorization?.split(" ")[1]; const p=jwt.decode(t); if(p && p.exp>Date.now()/1000){ req.user=p; } next(); });\napp.get("/admin",(req,res)=>{ if(req.user.role==="admin") return res.send(secrets); res.sendStatus(403); });',
]);
add('code-hard', 'large', undefined, [
  'Implement a lock-free single-producer single-consumer ring buffer in C++ with correct memory orderings and explain why each ordering is sufficient.',
]);
add('code-hard', 'large', undefined, [
  'We need to migrate a 2 TB MySQL table from utf8 to utf8mb4 and add a NOT NULL column with no downtime, while the app writes 3k rows/s. Give a step-by-step plan, the failure modes at each step and the rollback.',
]);
add('code-hard', 'large', undefined, [
  'Why would a Python asyncio service with 1000 concurrent websocket clients see latency spikes every ~30s? CPU is at 20%. Think through GC, event-loop blocking, TCP and the OS and give a plan to find out which it is.',
]);

// ---------- creative ----------
add('creative', 'small', undefined, ['Write a haiku about coffee.']);
add('creative', 'small', undefined, ['Give me 5 name ideas for a bakery.']);
add('creative', 'medium', undefined, ['Write a 500-word short story about a lighthouse keeper who finds a message in a bottle from her future self. Twist ending.']);
add('creative', 'medium', 'You are a copywriter for a B2B SaaS brand. Tone: confident, plain English, no buzzwords.', [
  'Write the landing page hero, three feature blurbs and a CTA for our log analytics product.',
]);
add('creative', 'medium', undefined, ['Write a cover letter for a junior data analyst role at a hospital, I have a stats degree and 6 months of internship with SQL and Tableau.']);
add('creative', 'medium', undefined, ['Write a sonnet in strict iambic pentameter about a failed deployment on a Friday, ABAB CDCD EFEF GG rhyme scheme.']);
add('creative', 'small', undefined, ['Write a short, polite reply declining a meeting invitation for Thursday.']);
add('creative', 'medium', 'You are a game master running a fantasy campaign.', [
  'The party enters the abandoned dwarven forge. Describe the scene and present three meaningful choices with consequences that tie back to the missing heir plot.',
]);

// ---------- multilingual (tiers per rubric, same as English equivalent) ----------
add('multi', 'small', undefined, ['¿Cuál es la capital de Canadá?']);
add('multi', 'small', undefined, ['Hallo, wie geht es dir?']);
add('multi', 'small', undefined, ['Combien font 15 fois 4 ?']);
add('multi', 'small', undefined, ['日本の首都はどこですか？']);
add('multi', 'small', undefined, ['谢谢你的帮助！']);
add('multi', 'small', undefined, ['Привет! Как дела?']);
add('multi', 'small', undefined, ['Traduza para inglês: "O gato está dormindo no sofá."']);
add('multi', 'medium', undefined, ['Escribe una función en Python que valide un IBAN español y explica cada paso.']);
add('multi', 'medium', undefined, ['Fasse diesen Text in drei Stichpunkten zusammen:\n\nDie Stadtverwaltung hat am Dienstag beschlossen, die Straßenbahnlinie in die nördlichen Vororte zu verlängern. Das Projekt soll über sechs Jahre 240 Millionen Euro kosten. Befürworter erwarten kürzere Pendelzeiten, Kritiker halten die Kostenschätzung für unrealistisch. Baubeginn ist im nächsten Frühjahr.']);
add('multi', 'medium', undefined, ['Écris un e-mail professionnel pour demander un délai de paiement de 30 jours à un fournisseur, en expliquant une difficulté de trésorerie passagère.']);
add('multi', 'large', undefined, ['Beweisen Sie, dass es unendlich viele Primzahlen gibt, und verallgemeinern Sie den Beweis auf Primzahlen der Form 4k+3.']);
add('multi', 'large', undefined, ['请设计一个支持多地域部署的分布式事务系统，保证强一致性，并分析在网络分区时的各种故障模式和权衡。']);
add('multi', 'large', undefined, ['Демонстрируйте, что любая конечная группа простого порядка циклична, и объясните, почему это не верно для порядка p^2.']);
add('multi', 'large', undefined, ['Analiza esta arquitectura: un monolito en Django con 200 tablas que queremos dividir en microservicios sin perder consistencia transaccional. Propón un plan de migración por fases, riesgos y cómo revertir.']);
add('multi', 'large', undefined, ['このGoコードはなぜデッドロックするのか説明し、読み取りロック中に書き込みロックを取らない修正を示してください：\nc.mu.RLock(); if !ok { c.mu.Lock(); c.m[k]=v; c.mu.Unlock() }; c.mu.RUnlock()']);
add('multi', 'medium', undefined, ['Spiega la differenza tra TCP e UDP con esempi pratici di quando usare ciascuno.']);
add('multi', 'small', undefined, ['Wat is de hoofdstad van België?']);
add('multi', 'large', undefined, ['Prouvez que la somme des inverses des nombres premiers diverge.']);

// ---------- system prompt carries the task; user sends only material ----------
add('sys-task', 'large', 'You are a senior security auditor. For every input, find all vulnerabilities, explain exploit paths step by step, rate severity (CVSS) and propose fixes.', [
  'const q = "SELECT * FROM users WHERE name = \'" + req.query.name + "\'"; db.all(q, (e, rows) => res.json(rows));',
]);
add('sys-task', 'large', 'You are a theorem prover. Prove the statement the user gives, rigorously, step by step.', ['For all n ≥ 1, 1^3 + 2^3 + ... + n^3 = (n(n+1)/2)^2, and deduce a closed form for the sum of the first n odd cubes.']);
add('sys-task', 'small', 'Reply with the word count of the user message as an integer.', ['The quick brown fox jumps over the lazy dog near the river bank.']);
add('sys-task', 'small', 'Correct the grammar. Output only the corrected sentence.', ['me and him goes to the store yesterday']);
add('sys-task', 'medium', 'Summarise the user\'s text into a commit message: a subject under 60 chars and a body of bullet points.', [
  'changed the retry logic so that we back off exponentially with jitter, capped at 30s, and we no longer retry on 4xx except 429; also added a metric for retries and fixed the flaky test in client.spec.ts by using fake timers',
]);
add('sys-task', 'large', 'You are an expert competitive programmer. Given a problem, give the optimal algorithm with proof of correctness and complexity, then code in C++.', [
  'Given n ≤ 2e5 intervals, find the minimum number of points such that every interval contains at least k of them.',
]);
add('sys-task', 'small', 'You are a unit converter. Answer with the number and unit only.', ['3.5 miles in km']);
add('sys-task', 'medium', 'You are an SQL assistant. The schema is: employees(id, name, manager_id, dept_id, salary), departments(id, name). Write the query the user asks for.', [
  'everyone who earns more than their manager, with the department name',
]);
add('sys-task', 'large', 'You are a clinical decision support assistant for ICU physicians. Reason carefully and cite guidelines.', [
  'Septic shock, MAP 58 on norepinephrine 0.3 mcg/kg/min, lactate 6.1, EF 25%. Next steps?',
]);
add('sys-task', 'small', 'Extract the order number from the customer message. Reply with the number only.', ['hey my order 88213-A never arrived can u check']);

// ---------- multi-turn conversations (judge the last turn in context) ----------
add('multi-turn', 'small', 'You are a helpful assistant.', [
  'What is the capital of Peru?',
  'Lima.',
  'And of Chile?',
]);
add('multi-turn', 'large', undefined, [
  'I am designing a consensus protocol for a 5-node cluster over a WAN.',
  'Sure — what are your latency and fault-tolerance requirements?',
  'Tolerate 2 failures, commit under 80ms. Can we do leaderless and still linearizable reads? Prove it or give a counterexample.',
]);
add('multi-turn', 'medium', undefined, [
  'Write a Python function to parse ISO dates.',
  'def parse(s): return datetime.fromisoformat(s)',
  'now make it handle the trailing Z and timezone offsets on Python 3.8, and add tests',
]);
add('multi-turn', 'small', undefined, [
  'Write a 500-word story about a dragon.',
  'Once upon a time... (story)',
  'make the title shorter',
]);
add('multi-turn', 'large', 'You are a staff engineer helping with incident analysis.', [
  'Our payment service double-charged ~300 customers last night between 02:10 and 02:40.',
  'Do you have logs around the retry path and the idempotency key store?',
  'Yes: the idempotency keys are in Redis with a 10 min TTL, the client retries after 15 min on timeout, and Redis failed over at 02:09. What happened, and how do we make this impossible going forward?',
]);
add('multi-turn', 'small', undefined, [
  'Explain the CAP theorem in depth with examples.',
  'CAP says that under a network partition a distributed system must choose between consistency and availability... (long answer)',
  'ok thanks',
]);
add('multi-turn', 'medium', undefined, [
  'hi',
  'Hello! How can I help?',
  'Can you help me write a polite email to my landlord asking to fix the heating, which has been broken for two weeks, and mention that I may withhold part of the rent as allowed by local law?',
]);
add('multi-turn', 'small', undefined, [
  'Prove the Cauchy-Schwarz inequality for inner product spaces.',
  'Consider ||u - tv||^2 ≥ 0 for all real t... (proof)',
  'what does the notation ||u|| mean again?',
]);
add('multi-turn', 'large', undefined, [
  'Let us work through a hard geometry problem.',
  'Sure, what is it?',
  'In triangle ABC, the incircle touches BC at D. Let M be the midpoint of BC. Prove that the line through M and the incenter I is parallel to AD... wait, no: prove that MI is parallel to the line joining A to the touch point of the A-excircle.',
]);
add('multi-turn', 'medium', 'You are a friendly tutor.', [
  'I don\'t get recursion',
  'Think of a function that calls itself on a smaller problem...',
  'can you walk me through fibonacci with a call tree and explain why naive recursion is slow and how memoization fixes it?',
]);
add('multi-turn', 'small', undefined, ['Give me a synonym for "happy".', '"Joyful".', 'another one?']);
add('multi-turn', 'large', undefined, [
  'I want to evaluate whether to buy or rent a flat in Munich.',
  'Happy to help. What are the prices, your savings, and horizon?',
  '€650k flat, 20% down, 3.9% fixed 15y, rent for equivalent is €1,900/mo rising 3%/y, I might move in 6-8 years, ETF returns maybe 6%. Model both scenarios including transaction costs (~10%), taxes and opportunity cost and tell me the break-even year with a sensitivity analysis.',
]);

// ---------- agent loops: tool calls and tool results on each protocol ----------
function agentOpenAI(task: string, call: string, args: string, result: string, system?: string): Record<string, unknown> {
  return {
    model: 'auto',
    tools: oaTools,
    messages: [
      ...(system ? [{ role: 'system', content: system }] : []),
      { role: 'user', content: task },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: call, arguments: args } }] },
      { role: 'tool', tool_call_id: 'call_1', content: result },
    ],
  };
}
function agentAnthropic(task: string, call: string, args: Record<string, unknown>, result: string, system?: string): Record<string, unknown> {
  return {
    model: 'auto',
    max_tokens: 2048,
    ...(system ? { system } : {}),
    tools: anTools,
    messages: [
      { role: 'user', content: task },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_1', name: call, input: args }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: result }] },
    ],
  };
}
function agentResponses(task: string, call: string, args: string, result: string, system?: string): Record<string, unknown> {
  return {
    model: 'auto',
    ...(system ? { instructions: system } : {}),
    tools: rsTools,
    input: [
      { role: 'user', content: task },
      { type: 'function_call', call_id: 'fc_1', name: call, arguments: args },
      { type: 'function_call_output', call_id: 'fc_1', output: result },
    ],
  };
}
const agentTasks: { tier: Tier; task: string; call: string; q: string; result: string; system?: string }[] = [
  { tier: 'small', task: "What's the weather in Oslo right now?", call: 'search_docs', q: 'weather Oslo', result: '{"temp_c": 14, "conditions": "light rain"}' },
  { tier: 'small', task: 'How many files are in the src folder?', call: 'run_shell', q: 'ls src | wc -l', result: '37' },
  { tier: 'small', task: 'What version of node is installed?', call: 'run_shell', q: 'node --version', result: 'v20.11.1' },
  { tier: 'small', task: 'Find our PTO policy and tell me how many days I get.', call: 'search_docs', q: 'PTO policy', result: 'Full-time employees receive 25 days of paid time off per calendar year, plus public holidays.' },
  {
    tier: 'large',
    task: 'The integration test suite fails intermittently (about 1 in 20 runs) with a unique-constraint violation on orders.id. Find the root cause and fix it; the suite runs tests in parallel workers against one database.',
    call: 'run_shell',
    q: 'grep -rn "nextOrderId" src',
    result: 'src/orders/ids.ts:4: let counter = Number(await redis.get("order:counter"));\nsrc/orders/ids.ts:5: await redis.set("order:counter", counter + 1);\nsrc/orders/ids.ts:6: return counter + 1;',
  },
  {
    tier: 'large',
    task: 'Migrate our billing service from the v1 pricing tables to v2 without double-billing anyone mid-cycle. Start by understanding the current schema.',
    call: 'run_shell',
    q: 'psql -c "\\d billing.subscriptions"',
    result: 'Column | Type\n id | uuid\n plan_id | text\n period_start | timestamptz\n period_end | timestamptz\n price_version | int default 1\n proration_credit | numeric',
    system: 'You are an autonomous senior engineer with shell access. Plan carefully before changing anything.',
  },
  {
    tier: 'medium',
    task: 'Add a --json flag to our CLI that prints the status output as JSON. The CLI is in cli/status.ts.',
    call: 'run_shell',
    q: 'cat cli/status.ts',
    result: "import { getStatus } from '../core';\nexport async function status(argv: string[]) {\n  const s = await getStatus();\n  console.log(`up: ${s.up}  jobs: ${s.jobs}  errors: ${s.errors}`);\n}",
  },
  {
    tier: 'medium',
    task: 'Summarize what changed in the last 5 commits for the release notes.',
    call: 'run_shell',
    q: 'git log -5 --stat',
    result: 'commit a1b2\n  feat: add CSV export to reports (reports/export.ts +120)\ncommit c3d4\n  fix: timezone bug in daily digest\ncommit e5f6\n  chore: bump deps\ncommit 0718\n  feat: SSO via Okta\ncommit 9a0b\n  fix: crash when report has no rows',
  },
  {
    tier: 'large',
    task: 'Our p99 latency regressed from 120ms to 900ms after yesterday\'s deploy. Investigate and find the cause.',
    call: 'run_shell',
    q: 'git diff HEAD~1 -- src/db',
    result: '-  const pool = new Pool({ max: 50 });\n+  const pool = new Pool({ max: 50, statement_timeout: 0 });\n-  return pool.query(sql, params);\n+  const client = await pool.connect();\n+  await client.query("SET search_path TO tenant_" + tenant);\n+  return client.query(sql, params);',
  },
  { tier: 'small', task: 'Is the staging server up?', call: 'run_shell', q: 'curl -s -o /dev/null -w "%{http_code}" https://staging.example.com/health', result: '200' },
  {
    tier: 'medium',
    task: 'Look up how to rotate the API keys in our docs and give me the steps.',
    call: 'search_docs',
    q: 'rotate API keys',
    result: 'To rotate keys: 1) create a new key in Settings > API, 2) deploy it to the secret store, 3) wait for all services to pick it up (up to 10 min), 4) revoke the old key. Keys used by webhooks must be updated in the webhook config separately.',
  },
  {
    tier: 'large',
    task: 'Prove the scheduler in scheduler/fair.ts never starves a tenant, or find a counterexample. Read the code first.',
    call: 'run_shell',
    q: 'cat scheduler/fair.ts',
    result: 'export function pick(queues: Map<string, Job[]>, credits: Map<string, number>) {\n  let best: string | undefined;\n  for (const [t, q] of queues) if (q.length && (best === undefined || credits.get(t)! > credits.get(best)!)) best = t;\n  credits.set(best!, credits.get(best!)! - 1);\n  return queues.get(best!)!.shift();\n}',
  },
];
agentTasks.forEach((t, i) => {
  const args = t.call === 'run_shell' ? { cmd: t.q } : { query: t.q };
  const shape = shapes[i % 3]!;
  const body =
    shape === 'openai'
      ? agentOpenAI(t.task, t.call, JSON.stringify(args), t.result, t.system)
      : shape === 'anthropic'
        ? agentAnthropic(t.task, t.call, args, t.result, t.system)
        : agentResponses(t.task, t.call, JSON.stringify(args), t.result, t.system);
  addRaw('agent', t.tier, shape, body);
  // The same turn on the next protocol too: the tier must not depend on the wire format.
  const shape2 = shapes[(i + 1) % 3]!;
  const body2 =
    shape2 === 'openai'
      ? agentOpenAI(t.task, t.call, JSON.stringify(args), t.result, t.system)
      : shape2 === 'anthropic'
        ? agentAnthropic(t.task, t.call, args, t.result, t.system)
        : agentResponses(t.task, t.call, JSON.stringify(args), t.result, t.system);
  addRaw('agent', t.tier, shape2, body2);
});

// Agent loop where a long tool result comes back for a hard task (OpenAI), and a long one for a trivial task.
addRaw('agent', 'large', 'openai', agentOpenAI(
  'Find why the nightly job got slower and fix it. It used to take 4 minutes, now 40.',
  'run_shell', '{"cmd":"cat logs/nightly.log"}', logDump(200, 11),
));
addRaw('agent', 'small', 'anthropic', agentAnthropic(
  'Show me the last line of the nightly log.', 'run_shell', { cmd: 'tail -1 logs/nightly.log' }, logDump(1, 2),
));
addRaw('agent', 'medium', 'responses', agentResponses(
  'Write a short summary of the attached meeting transcript for people who missed it.', 'search_docs', '{"query":"meeting transcript 2026-03-14"}', article(10),
));

// ---------- Responses API shapes with instructions, items and structured output ----------
addRaw('responses', 'small', 'responses', { model: 'auto', input: 'Tell me a fun fact about octopuses.' });
addRaw('responses', 'small', 'responses', {
  model: 'auto',
  instructions: 'Classify the message as question, complaint or praise. Answer with one word.',
  input: [{ role: 'user', content: 'the new dashboard is so much faster, great job!' }],
});
addRaw('responses', 'large', 'responses', {
  model: 'auto',
  instructions: 'You are a research assistant. Think step by step.',
  input: [{ role: 'user', content: [{ type: 'input_text', text: 'Derive the Black-Scholes PDE from a delta-hedging argument and state every assumption it relies on.' }] }],
});
addRaw('responses', 'medium', 'responses', {
  model: 'auto',
  input: [
    { role: 'developer', content: 'Output valid JSON matching the schema.' },
    { role: 'user', content: 'Create a 3-day itinerary for Lisbon for a family with two kids under 10, with one museum per day and restaurant suggestions.' },
  ],
  text: {
    format: {
      type: 'json_schema',
      name: 'itinerary',
      schema: { type: 'object', properties: { days: { type: 'array', items: { type: 'object' } } }, required: ['days'] },
    },
  },
});
addRaw('responses', 'small', 'responses', {
  model: 'auto',
  input: [{ role: 'user', content: 'Extract the city: "I am flying to Nairobi next Tuesday"' }],
  text: { format: { type: 'json_schema', name: 'city', schema: { type: 'object', properties: { city: { type: 'string' } } } } },
});
addRaw('responses', 'large', 'responses', {
  model: 'auto',
  input: 'Given a weighted directed graph with possibly negative edges but no negative cycles, give an algorithm for all-pairs shortest paths faster than Floyd–Warshall on sparse graphs, prove its correctness, and analyze its complexity.',
});
addRaw('responses', 'medium', 'responses', {
  model: 'auto',
  instructions: 'You are a helpful data analyst.',
  input: 'Explain the difference between median and mean salary, and when each is misleading, with a small numeric example.',
});
addRaw('responses', 'small', 'responses', { model: 'auto', input: [{ role: 'user', content: 'ty!' }] });

// ---------- OpenAI structured outputs and JSON mode ----------
addRaw('json', 'small', 'openai', {
  model: 'auto',
  messages: [
    { role: 'system', content: 'Extract the event details.' },
    { role: 'user', content: 'Alice and Bob are going to a science fair on Friday.' },
  ],
  response_format: {
    type: 'json_schema',
    json_schema: { name: 'event', schema: { type: 'object', properties: { name: { type: 'string' }, date: { type: 'string' }, participants: { type: 'array', items: { type: 'string' } } } } },
  },
});
addRaw('json', 'medium', 'openai', {
  model: 'auto',
  messages: [
    { role: 'system', content: 'You generate test data. Respond in JSON.' },
    { role: 'user', content: 'Generate 10 realistic but fake customer records with name, address, phone, a plausible purchase history of 3 items each, and make sure the totals add up.' },
  ],
  response_format: { type: 'json_object' },
});
addRaw('json', 'large', 'openai', {
  model: 'auto',
  messages: [
    { role: 'system', content: 'You are a math tutor. Output JSON with steps (array of strings) and final_answer.' },
    { role: 'user', content: 'How many ways are there to tile a 2×10 board with dominoes and L-shaped trominoes? Derive the recurrence.' },
  ],
  response_format: { type: 'json_object' },
});

// ---------- Anthropic content-block shapes ----------
addRaw('anthropic-blocks', 'small', 'anthropic', {
  model: 'auto',
  max_tokens: 256,
  system: [{ type: 'text', text: 'You are a concise assistant.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the boiling point of water at sea level in Fahrenheit?' }] }],
});
addRaw('anthropic-blocks', 'small', 'anthropic', {
  model: 'auto',
  max_tokens: 256,
  system: [
    { type: 'text', text: 'You answer questions about the attached handbook.' },
    { type: 'text', text: article(30), cache_control: { type: 'ephemeral' } },
  ],
  messages: [{ role: 'user', content: 'How much is the project expected to cost?' }],
});
addRaw('anthropic-blocks', 'large', 'anthropic', {
  model: 'auto',
  max_tokens: 4096,
  system: [
    { type: 'text', text: 'You are reviewing the following codebase. The user will ask questions about it.' },
    { type: 'text', text: codeFile(40), cache_control: { type: 'ephemeral' } },
  ],
  messages: [
    {
      role: 'user',
      content: 'Under concurrent load some callers get records from the wrong tenant. Trace how that could happen through this code and the db layer and propose a fix with tests.',
    },
  ],
});
addRaw('anthropic-blocks', 'medium', 'anthropic', {
  model: 'auto',
  max_tokens: 1024,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: `Here is the doc:\n${article(8)}` },
        { type: 'text', text: 'Write a 150-word neutral news brief based on it, with a headline.' },
      ],
    },
  ],
});
addRaw('anthropic-blocks', 'small', 'anthropic', {
  model: 'auto',
  max_tokens: 1024,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: `Here is the doc:\n${article(16)}` },
        { type: 'text', text: 'What year does the full line open?' },
      ],
    },
  ],
});

// ---------- more everyday traffic, to balance the set ----------
add('everyday', 'small', undefined, ['Suggest a title for my blog post about learning to bake sourdough.']);
add('everyday', 'small', undefined, ['Is "irregardless" a real word?']);
add('everyday', 'small', undefined, ['Make this sound more polite: "send me the report now"']);
add('everyday', 'small', undefined, ['What is the abbreviation for Wednesday?']);
add('everyday', 'small', undefined, ['Spell check: "recieve, definately, seperate"']);
add('everyday', 'small', undefined, ['how many grams of sugar in a teaspoon']);
add('everyday', 'small', 'You are a shopping assistant for an electronics store.', ['do you sell usb-c cables?']);
add('everyday', 'small', undefined, ['Alphabetize: pear, apple, mango, banana']);
add('everyday', 'small', undefined, ['What does "ETA" stand for?']);
add('everyday', 'small', undefined, ['Give me a random 12-character password suggestion.']);
add('everyday', 'medium', undefined, ['Explain how vaccines train the immune system, for a 12-year-old, with an analogy.']);
add('everyday', 'medium', undefined, ['Compare PostgreSQL and MongoDB for an e-commerce catalog with variable product attributes.']);
add('everyday', 'medium', undefined, ['Give me a 4-week beginner running plan to go from zero to 5 km, 3 sessions a week.']);
add('everyday', 'medium', undefined, ['What are the pros and cons of index funds vs individual stocks for a beginner investor?']);
add('everyday', 'medium', undefined, ['Explain how HTTPS works, from the TLS handshake to the encrypted request, step by step.']);
add('everyday', 'medium', undefined, ['Write a job description for a senior backend engineer (Go, Kubernetes) at a 30-person fintech.']);
add('everyday', 'medium', 'You are an interview coach.', ['Give me 5 behavioural interview questions for a product manager role and model answers using STAR.']);
add('everyday', 'medium', undefined, ['How do I prepare my garden beds for winter in a cold climate? Step by step.']);
add('everyday', 'large', undefined, ['I am a startup founder with 14 months of runway. Revenue grows 8% MoM from $40k MRR, burn is $180k/mo. Should I raise now or wait 6 months? Model both with dilution and risk.']);
add('everyday', 'large', undefined, ['Critique the methodology of a study claiming that remote work increases productivity by 13% based on a call-centre RCT in China, and what it does and does not generalise to.']);
add('everyday', 'large', undefined, ['Our SaaS has 2% monthly churn, CAC $1,200, ARPU $90, gross margin 78%. Evaluate unit economics, the payback period, and which lever moves LTV/CAC the most, with sensitivity.']);


// ---------- more shapes of everyday medium/large work ----------
add('more', 'medium', 'You are a customer support agent for a SaaS. Be empathetic and precise.', [
  'I upgraded to the Pro plan yesterday but my team members still see the Free limits, and I was charged. Fix this or refund me.',
]);
add('more', 'medium', undefined, ['Rewrite this paragraph to be clearer and half as long, keeping all facts:\n\n' + 'The city council voted on Tuesday to extend the tram line to the northern suburbs, a project expected to cost 240 million euros over six years, and supporters argue that it will cut commuting times by a third while critics say the budget estimate is unrealistic given the previous line ran 40 percent over budget.']);
add('more', 'medium', undefined, ['Write a Python script that reads a CSV of transactions, groups them by month and category, and plots a stacked bar chart with matplotlib.']);
add('more', 'medium', undefined, ['Explain the difference between processes and threads, and when to use multiprocessing vs asyncio in Python.']);
add('more', 'medium', undefined, ['Draft a one-page project proposal for moving our team from Jenkins to GitHub Actions: goals, scope, risks, timeline.']);
add('more', 'medium', 'You are a nutritionist.', ['Create a 7-day vegetarian meal plan at about 2000 kcal/day with at least 100g protein daily.']);
add('more', 'large', undefined, ['Write a formal proof that the halting problem for Turing machines with a bounded tape is decidable, and give the complexity.']);
add('more', 'large', 'You are an expert in distributed databases.', ['Spanner uses TrueTime for external consistency. Could we get the same guarantee with hybrid logical clocks and NTP with 50ms skew? Construct the argument or a counterexample.']);
add('more', 'large', undefined, ['We have 3 warehouses, 40 stores, daily demand forecasts with uncertainty, truck capacity 20 pallets and a 2-day lead time. Formulate the replenishment as an optimisation problem and describe how to solve it at scale.']);
add('more', 'small', undefined, ['What is the square root of 144?']);
add('more', 'small', 'You are a helpful assistant.', ['Who painted the Mona Lisa?']);
add('more', 'small', undefined, ['List the days of the week in French.']);
add('more', 'small', 'Answer yes or no.', ['Is 97 a prime number?']);
add('more', 'medium', undefined, ['Write a regular expression that validates an email address reasonably, and explain each part and its limits.']);
add('more', 'large', undefined, ['Explain why the following is wrong: "since every Cauchy sequence of rationals converges in R, Q is complete". Then prove R is complete from the least upper bound property.']);
add('more', 'medium', undefined, ['Review my SQL for performance: SELECT * FROM orders WHERE DATE(created_at) = CURRENT_DATE AND status IN (SELECT status FROM statuses WHERE active) ORDER BY id DESC']);
add('more', 'small', undefined, ['Capitalize the first letter of each word: "the lord of the rings"']);
add('more', 'large', undefined, ['Our model’s validation accuracy is 94% but production accuracy is 71%. Training data is from 2023, production from 2025, and labels come from a different team now. Diagnose systematically and propose experiments to separate the causes.']);

export const unseenCases: readonly UnseenCase[] = cases;
