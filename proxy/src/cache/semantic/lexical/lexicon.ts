/**
 * Small closed word lists the false-hit guard needs. These are grammatical categories of English
 * (function words, negation cues, number words), not vocabulary tuned to any data set.
 */

/**
 * Function words and conversational filler: words whose presence or absence does not change what
 * is being asked. Everything else is a content word, and content words must agree.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  `a an the this that these those there here it its it's itself i i'm i've i'd i'll me my mine myself we we're
  us our ours ourselves you you're your yours yourself yourselves he him his himself she her hers herself they
  them their theirs themselves ones someone somebody something anyone anybody anything everyone everybody
  everything who whom whose which what whatever when where why how whether if then than so such as because
  since while until unless though although also too very really actually just only even still already yet
  quite rather pretty much many more most some any all both each every either other another same own enough
  be is am are was were been being do does did done doing have has had having get gets got getting go goes
  going can could may might must shall should will would ought need needs to of in on at by for from with
  into onto over under about above below between through during before after around against among per via
  up down out off and or but nor plus vs versus etc please pls kindly thanks thank hi hello hey dear okay ok
  yes well like want wants wanted know tell explain say give show let help use using used way ways thing
  things stuff kind sort lot lots bit exactly possible able basically generally usually typically possibly probably maybe perhaps mean means meaning`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Interrogatives that ask for a different kind of answer (a reason, a time, a place, a person).
 * "what", "how" and "which" are left out: "what is the way to X" and "how do I X" ask the same.
 */
export const DISTINCT_QUESTION_WORDS: ReadonlySet<string> = new Set(['why', 'when', 'where', 'who', 'whom', 'whose']);

/** Words and clitics that flip or restrict a statement. Counted, not matched: "not" ≠ "never" is fine. */
export const NEGATION_WORDS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'nowhere', 'neither', 'nor', 'without', 'cannot',
  'unable', 'except', 'excluding', 'neglect', 'lack', 'lacks', 'lacking', 'nonexistent', 'non',
]);

/** Number words, normalised to digits so "five" and "5" agree and "five" and "fifty" do not. */
export const NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'], ['five', '5'], ['six', '6'],
  ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'], ['eleven', '11'], ['twelve', '12'],
  ['thirteen', '13'], ['fourteen', '14'], ['fifteen', '15'], ['sixteen', '16'], ['seventeen', '17'],
  ['eighteen', '18'], ['nineteen', '19'], ['twenty', '20'], ['thirty', '30'], ['forty', '40'], ['fifty', '50'],
  ['sixty', '60'], ['seventy', '70'], ['eighty', '80'], ['ninety', '90'], ['hundred', '100'],
  ['thousand', '1000'], ['million', '1000000'], ['billion', '1000000000'], ['dozen', '12'],
  ['first', '1st'], ['second', '2nd'], ['third', '3rd'], ['fourth', '4th'], ['fifth', '5th'], ['sixth', '6th'],
  ['seventh', '7th'], ['eighth', '8th'], ['ninth', '9th'], ['tenth', '10th'], ['last', 'last'],
  ['once', '1x'], ['twice', '2x'], ['thrice', '3x'], ['half', '1/2'], ['single', '1'], ['double', '2x'], ['triple', '3x'],
]);

/**
 * Opposites: one put in the other's place reverses the request ("turn on" / "turn off", "cost to
 * the UK" / "from the UK", "increase" / "decrease"). A learned score over word overlap sees one
 * word replaced by another and cannot tell an antonym from a synonym, and a pooled vector puts the
 * two close together, so both sides need this list (guard.ts `oppositeSwap`). Common English
 * antonyms and directional particles, not words chosen from any data set. Negation prefixes
 * ("lock" / "unlock", "legal" / "illegal") are a rule there, not entries here.
 */
export const OPPOSITE_PAIRS: ReadonlyArray<readonly [string, string]> = `
  on/off in/out up/down to/from into/from for/against before/after above/below over/under inside/outside
  more/less more/fewer most/least increase/decrease increase/reduce raise/lower rise/fall high/low higher/lower
  highest/lowest upper/lower maximum/minimum max/min win/lose won/lost winning/losing winner/loser buy/sell
  bought/sold buyer/seller import/export upload/download add/remove add/subtract plus/minus multiply/divide
  open/close open/closed opened/closed enable/disable accept/decline accept/reject start/stop start/end
  begin/end early/late earlier/later earliest/latest hot/cold heat/cool warm/cool big/small large/small
  bigger/smaller larger/smaller long/short longer/shorter fast/slow faster/slower fastest/slowest
  cheap/expensive good/bad best/worst better/worse pros/cons positive/negative true/false left/right
  north/south east/west odd/even ascending/descending gain/lose send/receive sent/received sender/recipient
  push/pull lend/borrow deposit/withdraw deposit/withdrawal input/output encrypt/decrypt encode/decode
  compress/decompress light/dark light/heavy lighter/heavier male/female men/women man/woman boy/girl
  past/future yesterday/tomorrow day/night summer/winter spring/autumn success/failure succeed/fail
  pass/fail allow/forbid allow/deny include/exclude internal/external inbound/outbound incoming/outgoing
  online/offline public/private show/hide visible/hidden arrive/depart arrival/departure enter/exit
  entry/exit strong/weak thick/thin wide/narrow deep/shallow young/old new/old full/empty rich/poor
  wet/dry clean/dirty love/hate happy/sad top/bottom front/back inner/outer forward/backward ahead/behind
  grow/shrink expand/shrink overestimate/underestimate overpay/underpay overcharge/undercharge
  overweight/underweight asc/desc`
  .split(/\s+/)
  .filter(Boolean)
  .map((pair) => pair.split('/') as [string, string]);

/** Prefixes that negate the word they precede ("unlock", "disable", "illegal", "nonprofit"). */
export const NEGATING_PREFIXES: readonly string[] = ['un', 'dis', 'de', 'in', 'im', 'il', 'ir', 'non'];

/**
 * Verbs after which two opposite particles ask the same ("fill in" / "fill out the form"): not an
 * opposite in the word's place there (guard.ts `oppositeSwap`). Kept to idioms where either
 * particle is standard usage; "check in" / "check out" and "log in" / "log out" are opposites.
 */
export const SAME_MEANING_PARTICLES: ReadonlyArray<readonly [verb: string, particles: readonly [string, string]]> = [['fill', ['in', 'out']]];

/** Verbs whose two sides may change places ("compare X with Y" / "compare Y with X"). */
export const COMPARING_VERBS: readonly string[] = ['compare', 'contrast'];
