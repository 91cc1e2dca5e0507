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
