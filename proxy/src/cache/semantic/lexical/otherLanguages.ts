/**
 * Function words of the Latin-script languages users most often write to an English-only embedder
 * in (Dutch, German, French, Italian, Spanish, Portuguese, the Scandinavian languages, Indonesian,
 * Polish, Czech, Turkish): articles, pronouns, question words, prepositions and common verbs of
 * being and having, written with and without their accents (people type "esta" for "está").
 *
 * A grammatical category, like FUNCTION_WORDS, not vocabulary tuned to any data set. Words that are
 * also English words are left out ("in", "a", "die", "was", "also", "van", "son", "come", "per",
 * "no", "do", "me", "or", "on"), so an English question never counts a word of its own as foreign.
 */
export const OTHER_FUNCTION_WORDS: ReadonlySet<string> = new Set(
  `het een hoe wat waar wanneer waarom wie welk welke hoeveel niet geen ik jij je mijn jouw ons onze jullie zij wij
  hij zijn ben heb hebt heeft kan kun kunt moet wil wordt worden zal zou naar uit ook maar dat deze dit nog bij voor
  der das dem des dieses diese dieser ein eine einen einem einer ist sind bist wo warum wann wer welche welcher welches nicht kein keine
  ich du sie wir mein meine meinen dein deine und oder aber für fur zu zum zur auf auch noch kann muss soll wird
  werden haben habe gibt mir mich dich uns nach bei aus durch über uber ohne sehr viel es le la les une en cela ça au aux et est
  sont tu il elle nous vous ils elles mon ma mes sa ses ce cette ces qui que quoi quel quelle quels quelles pourquoi
  quand où ou dans pour avec sur pas ne ni mais leur leurs peut peux puis suis avez avons ont être etre avoir combien
  fait faire lo gli una di da del della dello dei degli delle nel nella che cosa quando perché perche quanto quanti
  de quale quali qual è é sono sei siamo hai abbiamo anche molto questo questa quello quella mio mia tuo tua suo sua ti
  posso puoi può puo alla allo sul sulla tra fra el los las unos unas qué como cómo dónde donde cuándo cuando cuál
  cual cuánto cuanto cuanta por para está esta están estan eres tiene tengo puedo puede puedes mi su nuestro usted
  ustedes nosotros ellos ella muy más mas pero también tambien entre sobre hace hacer uma nos são sao estou tem tenho
  pode onde quem não nao você voce ele meu minha seu muito isso isto este esse essa pelo pela ao à hur mycket det jag
  vad hvor hva hvad hvordan jeg ikke och att ett för är berapa bagaimana cara saya anda untuk dengan tidak adalah
  bisa ini itu yang dan dari ke kapan akan apakah jak nie się czy gdzie kiedy ile dlaczego moja moje mój kolik se bu
  nedir nasıl nerede için ve bir`
    .split(/\s+/)
    .filter(Boolean),
);
