/**
 * Hand-written short prompts for the "is this English?" check (cache/semantic/applicability.ts),
 * in the style of real user questions. Written for this test (no dataset).
 *
 * NOT_ENGLISH: short questions in Latin-script languages, most without an accented letter (those
 * are the hard ones: nothing but the words says they are not English). ENGLISH: English questions
 * an English-only embedder reads well but that carry what looks foreign: an accented loanword, a
 * place or person with a Spanish, French, Dutch or Italian name, a foreign dish.
 */
export const NOT_ENGLISH: ReadonlyArray<string> = [
  // Dutch
  'Hoe laat is het?', 'Hoe laat gaat de winkel open?', 'Wat kost een kaartje naar Amsterdam?', 'Waar is het station?',
  'Hoe reset ik mijn wachtwoord?', 'Kan ik mijn bestelling annuleren?', 'Wanneer komt mijn pakket aan?', 'Wat is het weer morgen?',
  'Hoeveel kost een abonnement?', 'Hoe maak ik een back-up van mijn telefoon?', 'Waarom werkt mijn wifi niet?', 'Wie heeft dit boek geschreven?',
  'Is er een apotheek in de buurt?', 'Ik wil mijn account verwijderen', 'Geef me een recept voor erwtensoep', 'Hoe lang moet ik een ei koken?',
  'Welke trein gaat naar Utrecht?', 'Mag ik hier parkeren?', 'Wat betekent dit woord?', 'Heb je een tip voor een goed boek?',
  // German
  'Wie spät ist es', 'Wie spaet ist es?', 'Wo ist der Bahnhof?', 'Was kostet eine Fahrkarte nach Berlin?', 'Wie setze ich mein Passwort zurück?',
  'Kann ich meine Bestellung stornieren?', 'Wann kommt mein Paket an?', 'Wie wird das Wetter morgen?', 'Warum funktioniert mein WLAN nicht?',
  'Wer hat dieses Buch geschrieben?', 'Gibt es eine Apotheke in der Nähe?', 'Ich will mein Konto löschen', 'Wie lange muss ich ein Ei kochen?',
  'Welcher Zug fährt nach Hamburg?', 'Darf ich hier parken?', 'Was bedeutet dieses Wort?', 'Wie viel kostet das Abo?',
  'Erkläre mir den Unterschied zwischen Wetter und Klima', 'Schreib mir eine kurze Geschichte', 'Wie mache ich ein Backup von meinem Handy?',
  // French
  'Quelle heure est-il', 'Quelle heure est-il?', 'Ou est la gare?', 'Combien coute un billet pour Paris?', 'Comment reinitialiser mon mot de passe?',
  'Puis-je annuler ma commande?', 'Quand est-ce que mon colis arrive?', 'Quel temps fait-il demain?', 'Pourquoi mon wifi ne marche pas?',
  "Qui a écrit ce livre?", 'Y a-t-il une pharmacie pres d\'ici?', 'Je veux supprimer mon compte', 'Combien de temps faut-il cuire un oeuf?',
  'Quel train va a Lyon?', 'Est-ce que je peux me garer ici?', 'Que veut dire ce mot?', "C'est combien l'abonnement?",
  'Explique moi la difference entre la meteo et le climat', 'Ecris moi une petite histoire', "Comment faire une sauvegarde de mon telephone?",
  // Italian
  'Qual è il prezzo', 'Qual e il prezzo?', 'Che ore sono?', 'Dove si trova la stazione?', 'Quanto costa un biglietto per Roma?',
  'Come posso reimpostare la mia password?', 'Posso annullare il mio ordine?', 'Quando arriva il mio pacco?', 'Che tempo fa domani?',
  'Perche il mio wifi non funziona?', 'Chi ha scritto questo libro?', "C'e una farmacia qui vicino?", 'Voglio cancellare il mio account',
  'Quanto tempo devo cuocere un uovo?', 'Quale treno va a Milano?', 'Posso parcheggiare qui?', 'Cosa significa questa parola?',
  'Spiegami la differenza tra tempo e clima', 'Scrivimi una breve storia', 'Come faccio un backup del mio telefono?',
  // Spanish
  'Que hora es?', 'Donde esta la estacion?', 'Cuanto cuesta un billete a Madrid?', 'Como restablezco mi contrasena?',
  'Puedo cancelar mi pedido?', 'Cuando llega mi paquete?', 'Que tiempo hara manana?', 'Por que no funciona mi wifi?',
  'Quien escribio este libro?', 'Hay una farmacia cerca de aqui?', 'Quiero borrar mi cuenta', 'Cuanto tiempo hay que hervir un huevo?',
  'Que tren va a Sevilla?', 'Puedo aparcar aqui?', 'Que significa esta palabra?', 'Hola, como estas?',
  'Explicame la diferencia entre el tiempo y el clima', 'Escribeme una historia corta', 'Como hago una copia de seguridad de mi telefono?',
  'Dame una receta de paella',
  // Portuguese
  'Que horas sao?', 'Onde fica a estacao?', 'Quanto custa um bilhete para Lisboa?', 'Como eu redefino minha senha?',
  'Posso cancelar o meu pedido?', 'Quando chega a minha encomenda?', 'Como vai estar o tempo amanha?', 'Por que o meu wifi nao funciona?',
  'Quem escreveu este livro?', 'Tem uma farmacia perto daqui?', 'Quero apagar a minha conta', 'Quanto tempo devo cozinhar um ovo?',
  'Qual comboio vai para o Porto?', 'Posso estacionar aqui?', 'O que significa esta palavra?', 'Me explica a diferenca entre tempo e clima',
  'Escreva uma historia curta para mim', 'Como faco um backup do meu celular?', 'Você pode me ajudar?',
  // Swedish, Danish, Norwegian
  'Hur mycket kostar det?', 'Var ligger stationen?', 'Hur återställer jag mitt lösenord?', 'Hvor er banegarden?', 'Hva koster en billett til Oslo?',
  'Hvordan nulstiller jeg min adgangskode?', 'Kan jag avboka min order?', 'Vad betyder det här ordet?', 'Hvad er klokken?',
  // Indonesian, Malay
  'Berapa harga tiket ke Bali?', 'Di mana stasiun kereta?', 'Bagaimana cara mengganti kata sandi saya?', 'Apa arti kata ini?',
  'Kapan paket saya akan tiba?', 'Saya ingin menghapus akun saya', 'Apakah ada apotek di dekat sini?',
  // Polish, Czech, Turkish
  'Jak zresetowac haslo?', 'Gdzie jest dworzec?', 'Ile kosztuje bilet do Krakowa?', 'Co to znaczy?', 'Kiedy przyjdzie moja paczka?',
  'Kolik stoji jizdenka do Brna?', 'Jak se mas?', 'Bu kelime ne demek?', 'Istasyon nerede?',
  // More of the six most common, everyday topics
  'Wat is de hoofdstad van Australie?', 'Hoe zeg ik dit in het Engels?', 'Kun je dit voor mij vertalen?', 'Wat moet ik vanavond koken?',
  'Hoe lang duurt de vlucht naar Londen?', 'Wat zijn de openingstijden van de bibliotheek?', 'Is deze pizza vegetarisch?', 'Hoe word ik sneller fit?',
  'Was ist die Hauptstadt von Australien?', 'Wie sage ich das auf Englisch?', 'Kannst du das für mich übersetzen?', 'Was soll ich heute Abend kochen?',
  'Wie lange dauert der Flug nach London?', 'Wann hat die Bibliothek geöffnet?', 'Ist diese Pizza vegetarisch?', 'Wie werde ich schneller fit?',
  'Quelle est la capitale de l\'Australie?', 'Comment dit-on cela en anglais?', 'Peux-tu traduire ceci pour moi?', 'Qu\'est-ce que je cuisine ce soir?',
  'Combien de temps dure le vol pour Londres?', 'Quels sont les horaires de la bibliotheque?', 'Est-ce que cette pizza est vegetarienne?', 'Comment devenir plus en forme?',
  'Qual e la capitale dell\'Australia?', 'Come si dice questo in inglese?', 'Puoi tradurre questo per me?', 'Cosa cucino stasera?',
  'Quanto dura il volo per Londra?', 'Quali sono gli orari della biblioteca?', 'Questa pizza e vegetariana?', 'Come posso tornare in forma?',
  'Cual es la capital de Australia?', 'Como se dice esto en ingles?', 'Puedes traducir esto por mi?', 'Que cocino esta noche?',
  'Cuanto dura el vuelo a Londres?', 'Cual es el horario de la biblioteca?', 'Esta pizza es vegetariana?', 'Como puedo ponerme en forma?',
  'Qual e a capital da Australia?', 'Como se diz isso em ingles?', 'Voce pode traduzir isso para mim?', 'O que eu cozinho hoje a noite?',
  'Quanto tempo dura o voo para Londres?', 'Qual e o horario da biblioteca?', 'Essa pizza e vegetariana?', 'Como eu fico em forma mais rapido?',
  'Hoe werkt een warmtepomp?', 'Wie funktioniert eine Wärmepumpe?', 'Comment fonctionne une pompe a chaleur?', 'Come funziona una pompa di calore?',
  'Como funciona una bomba de calor?', 'Como funciona uma bomba de calor?', 'Welk boek raad je aan?', 'Welches Buch empfiehlst du?',
  'Quel livre me conseilles-tu?', 'Che libro mi consigli?', 'Que libro me recomiendas?', 'Que livro voce recomenda?',
];

export const ENGLISH: ReadonlyArray<string> = [
  // Accented loanwords
  'Is a café open on Sunday?', 'how to write a résumé', 'How do I write a good résumé summary?', 'What is the difference between a café and a bistro?',
  'Is it naïve to trust online reviews?', 'How do I make crème brûlée at home?', 'What does déjà vu mean?', 'How do I write a cover letter for my résumé?',
  'Best jalapeño poppers recipe', 'How spicy is a jalapeño?', 'Where can I buy a piñata for a birthday party?', 'How do I clean a stone façade?',
  'Is a fiancé considered family for a visa?', 'What wine goes with a rosé sauce?', 'What is a protégé?', 'How do I sauté mushrooms?',
  'Which Pokémon are the strongest?', 'When is the next Beyoncé tour?', 'How cold is Zürich in winter?', 'What is the population of São Paulo?',
  'How does El Niño affect the weather?', 'Is a cliché always bad in writing?', 'What does the entrée mean on a menu?', 'How do I pronounce Nguyễn?',
  'Is Häagen-Dazs ice cream gluten free?', 'What is the capital of Côte d\'Ivoire?', 'How old is Renée Zellweger?', 'What is a soufflé?',
  'Can I freeze crème fraîche?', 'How do I add an accent to the e in café on a Mac?', 'Where is the Louvre Musée located?', 'Best café near Montréal airport',
  'What is the plural of résumé?', 'Is a coupé faster than a sedan?', 'How do I keep a piña colada from separating?', 'What is a doppelgänger?',
  'How long does it take to learn Español?', 'What is an exposé in journalism?', 'What is Pokémon Go?', 'Who was Frédéric Chopin?',
  // Foreign names and phrases in English questions, no accent
  'Los Angeles weather tomorrow', 'Hotels in Las Vegas near the strip', 'Las Vegas to Los Angeles distance', 'What is the best time to visit La Paz?',
  'Who was Charles de Gaulle?', 'Tell me about La Casa de Papel', 'What is the meaning of la vie en rose?', 'How tall is the Sagrada Familia?',
  'Who painted the Mona Lisa, Leonardo da Vinci?', 'Where is the Puerta del Sol?', 'How do I get from El Paso to San Antonio?', 'What is the Rio de Janeiro carnival?',
  'Is Lago di Como worth visiting?', 'When was the Notre Dame fire?', 'Who is Vincent van Gogh?', 'What does carpe diem mean?',
  'How do I make pasta al dente?', 'Tacos al pastor recipe', 'What is the difference between vis a vis and face to face?', 'How do I cook arroz con pollo?',
  'Who wrote Don Quixote?', 'How do I get to the Arc de Triomphe?', 'Best restaurants in San Francisco', 'What is the population of Buenos Aires?',
  'Is Santa Monica beach safe to swim?', 'Who founded Louis Vuitton?', 'What is the plot of Les Miserables?', 'How many people live in Den Haag?',
  'What time zone is Puerto Rico in?', 'What does que sera sera mean?', 'Is the Costa del Sol worth it in winter?', 'What is Dia de los Muertos?',
  // Short English prompts with few function words
  'Pizza Margherita recipe', 'python list comprehension example', 'Tell me a joke', 'ES6 arrow functions', 'Python del statement',
  'Numpy array slicing', 'Docker compose healthcheck', 'Best laptop under 1000 dollars', 'Cheap flights to Tokyo', 'Sourdough starter ratio',
];

/**
 * Lowercase keyword queries, as typed into a search box, with no English function word.
 * ENGLISH_KEYWORDS: English ones holding a short word that is another language's function word
 * ("su", "del", "mi", "da", "dei", "la", "el", "il", "ini"). OTHER_KEYWORDS: the same kind of
 * query in Spanish, Portuguese, Italian, French, German, Dutch or Indonesian, many around an
 * English brand or tech word ("netflix", "youtube", "python").
 */
export const ENGLISH_KEYWORDS: ReadonlyArray<string> = [
  'linux su command', 'windows del command', 'mi band 7 review', 'la la land soundtrack', 'da vinci resolve tutorial',
  'ini file parser python', 'dei policy examples', 'ce marking requirements', 'Python del statement',
  'sudo su root shell', 'su vs sudo linux', 'del key not working', 'da vinci code summary', 'dei training ideas',
  'ini config file format', 'ce certification cost', 'el capitan install usb', 'de morgan laws examples', 'il volo concert tickets',
  'le mans race results', 'che guevara biography', 'tu delft admission requirements', 'et al citation rules', 'per diem rates 2024',
  'vs code del shortcut', 'pas de deux ballet', 'el nino weather effects', 'la nina winter forecast', 'da hood roblox codes',
  'mi fan app download', 'la fitness membership cost', 'le creuset dutch oven review', 'ma degree salary', 'ce exam results',
  'dei statement examples', 'su command permission denied', 'del vs rm windows', 'ini file windows registry', 'el paso weather',
];

export const OTHER_KEYWORDS: ReadonlyArray<string> = [
  'receta de pollo al horno', 'precio del dolar hoy', 'clima en madrid manana', 'como hacer pan casero', 'mejores series de netflix',
  'letra de la cancion', 'partido del real madrid', 'horario de trenes renfe', 'precio del iphone 15', 'descargar musica gratis',
  'juegos de futbol online', 'resumen de la pelicula', 'tabla de multiplicar', 'pelicula de terror 2023', 'noticias de hoy',
  'receita de bolo de chocolate', 'previsao do tempo sao paulo', 'jogo do flamengo hoje', 'como fazer slime', 'melhores filmes da netflix',
  'ricetta della pizza napoletana', 'meteo roma domani', 'orari dei treni trenitalia', 'migliori film del 2023', 'partita della juventus',
  'recette de crepes', 'meteo paris demain', 'prix du carburant', 'film de noel netflix', 'horaire des marees',
  'rezept fur pfannkuchen', 'wetter morgen berlin', 'bundesliga ergebnisse heute', 'beste serien auf netflix', 'bahn fahrplan hamburg',
  'recept voor pannenkoeken', 'weer morgen utrecht', 'beste films op netflix', 'cara membuat kue', 'harga iphone 15 di indonesia',
  'resep nasi goreng', 'la casa de papel temporada 5', 'series de anime en netflix', 'el mejor celular del 2024', 'los mejores juegos de pc',
  'curso de python gratis', 'tutorial de excel en espanol', 'manual del usuario samsung', 'configurar router tp link', 'instalar windows 11 desde usb',
  'descargar minecraft para pc', 'error de windows update', 'driver de la impresora hp', 'curso de ingles online', 'video de youtube a mp3',
  'codigo postal de madrid', 'configuracao do roteador', 'baixar video do youtube', 'scaricare video da youtube', 'telecharger video youtube',
  'precio del bitcoin', 'tipos de datos en python', 'funcion de excel buscarv', 'mi cuenta de google', 'su nombre completo',
  'la mejor pizza de roma', 'il miglior ristorante di milano', 'le meilleur film de 2023', 'die besten filme 2023', 'de beste pizza van amsterdam',
];
