// Text normalisation, tokenising, stop words and per-language stemmers for the FAQ index.
// The shipped stemmers are Snowball's (the @orama/stemmers ports: Russian, Ukrainian, Spanish,
// English; Ukrainian keeps the hand-written one, see SNOWBALL_STEMMERS), run on normalised
// words; the small hand-written suffix strippers below are the "light" variant the benchmark
// compares against. Fuzzy and prefix search cover what a
// stemmer misses. A language without an entry here is indexed unstemmed and without stop words.
import { stemmer as snowballEnglish } from "@orama/stemmers/english";
import { stemmer as snowballRussian } from "@orama/stemmers/russian";
import { stemmer as snowballSpanish } from "@orama/stemmers/spanish";

/** Lower-cases, folds ё→е, drops accents on Latin letters (not on Cyrillic й/ї) and apostrophes. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/([a-z])[\u0300-\u036f]+/g, "$1")
    .normalize("NFC")
    .replace(/ё/g, "е")
    .replace(/(\p{L})['’ʼ`](?=\p{L})/gu, "$1");
}

/** `text` with every character a regular expression treats specially escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A pattern matching `body` only as whole words (not inside a longer word or number). */
export function wholeWords(body: string, flags = "u"): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, flags);
}

/** Splits normalised text into words (letters and digits). */
export function tokenize(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

type Stemmer = (word: string) => string;

/** Removes the longest listed suffix that leaves at least `min` characters. */
function suffixStripper(suffixes: string[], min: number): Stemmer {
  const sorted = [...new Set(suffixes)].sort((a, b) => b.length - a.length);
  return (word) => {
    for (const s of sorted) {
      if (word.length - s.length >= min && word.endsWith(s)) return word.slice(0, -s.length);
    }
    return word;
  };
}

const RU_REFLEXIVE = ["ся", "сь"];
const RU_ENDINGS = [
  // past forms and participles of -ировать/-овать verbs: заблокировали, заблокирован → заблок
  "ированного",
  "ированный",
  "ированная",
  "ированные",
  "ировали",
  "ировала",
  "ировало",
  "ирована",
  "ировано",
  "ированы",
  "ирован",
  "ировал",
  "ованный",
  "ованная",
  "овали",
  "овала",
  "овано",
  "ована",
  "ованы",
  "ован",
  "овал",
  "енный",
  "енная",
  "енные",
  "енного",
  "анный",
  "анная",
  "анные",
  // participles, adjectives
  "ующими",
  "ющими",
  "ившими",
  "ывшими",
  "ующий",
  "ующая",
  "ующее",
  "ующие",
  "ующих",
  "ующим",
  "ющий",
  "ющая",
  "ющее",
  "ющие",
  "ющих",
  "ющим",
  "ыми",
  "ими",
  "ого",
  "его",
  "ому",
  "ему",
  "ая",
  "яя",
  "ое",
  "ее",
  "ые",
  "ие",
  "ый",
  "ий",
  "ой",
  "ей",
  "ую",
  "юю",
  "ых",
  "их",
  "ым",
  "им",
  // nouns
  "ениями",
  "ением",
  "ениях",
  "ения",
  "ение",
  "ении",
  "ений",
  "ению",
  "аниями",
  "анием",
  "ания",
  "ание",
  "ании",
  "аний",
  "анию",
  "ости",
  "ость",
  "остью",
  "ами",
  "ями",
  "ах",
  "ях",
  "ам",
  "ям",
  "ом",
  "ем",
  "ов",
  "ев",
  "ию",
  "ия",
  "ии",
  "ья",
  "ье",
  "ью",
  "ьи",
  "ей",
  // verbs
  "ировать",
  "овать",
  "евать",
  "ывать",
  "ивать",
  "ать",
  "ять",
  "ить",
  "еть",
  "уть",
  "ешь",
  "ете",
  "ишь",
  "ите",
  "ет",
  "ит",
  "ут",
  "ют",
  "ат",
  "ят",
  "ала",
  "ила",
  "ела",
  "ыла",
  "али",
  "или",
  "ели",
  "ыли",
  "ало",
  "ило",
  "ел",
  "ал",
  "ил",
  "ыл",
  "ть",
  "ти",
  "ла",
  "ли",
  "ло",
  "ю",
  "у",
  "а",
  "я",
  "о",
  "е",
  "ы",
  "и",
  "ь",
  "й",
];

const UK_ENDINGS = [
  // past forms and participles of -увати verbs: заблокували, заблоковано → заблок
  "ованого",
  "ований",
  "ована",
  "оване",
  "овані",
  "овано",
  "ували",
  "увала",
  "увало",
  "ував",
  "ювали",
  "ював",
  "ений",
  "ена",
  "ене",
  "ені",
  "ено",
  "аний",
  "ана",
  "ане",
  "ані",
  "ано",
  "єте",
  "єш",
  "ється",
  "ування",
  "ювання",
  "ування",
  "ованого",
  "ування",
  "еннями",
  "аннями",
  "ення",
  "ання",
  "енню",
  "анню",
  "енні",
  "анні",
  "ності",
  "ність",
  "ністю",
  "ами",
  "ями",
  "има",
  "ові",
  "еві",
  "ому",
  "ему",
  "ого",
  "его",
  "ими",
  "іми",
  "ими",
  "ій",
  "ий",
  "ої",
  "ою",
  "ею",
  "єю",
  "ах",
  "ях",
  "ам",
  "ям",
  "ом",
  "ем",
  "ів",
  "їв",
  "ей",
  "их",
  "іх",
  "им",
  "ім",
  "ая",
  "яя",
  "е",
  // verbs
  "увати",
  "ювати",
  "овати",
  "ати",
  "яти",
  "ити",
  "іти",
  "їти",
  "ути",
  "ють",
  "ять",
  "уть",
  "ать",
  "ить",
  "ує",
  "ює",
  "уєш",
  "ують",
  "юють",
  "ете",
  "ите",
  "ємо",
  "емо",
  "имо",
  "ала",
  "ила",
  "ола",
  "ела",
  "али",
  "или",
  "ели",
  "ало",
  "ило",
  "ав",
  "ив",
  "ів",
  "ов",
  "ла",
  "ли",
  "ло",
  "ти",
  "ть",
  "ся",
  "сь",
  "а",
  "я",
  "о",
  "у",
  "ю",
  "і",
  "ї",
  "и",
  "є",
  "ь",
  "й",
];

const ES_ENDINGS = [
  "amientos",
  "imientos",
  "amiento",
  "imiento",
  "aciones",
  "uciones",
  "aciones",
  "acion",
  "ucion",
  "mente",
  "idades",
  "idad",
  "ables",
  "ibles",
  "able",
  "ible",
  "ando",
  "iendo",
  "ados",
  "idos",
  "adas",
  "idas",
  "ado",
  "ido",
  "ada",
  "ida",
  "aron",
  "ieron",
  "aria",
  "eria",
  "iria",
  "amos",
  "emos",
  "imos",
  "ais",
  "eis",
  "an",
  "en",
  "ar",
  "er",
  "ir",
  "as",
  "es",
  "os",
  "a",
  "e",
  "o",
  "i",
  "s",
];

const ruStrip = suffixStripper(RU_ENDINGS, 3);
const ruReflexive = suffixStripper(RU_REFLEXIVE, 4);
const ukStrip = suffixStripper(UK_ENDINGS, 3);
const ukReflexive = suffixStripper(["ся", "сь"], 4);
const esStrip = suffixStripper(ES_ENDINGS, 3);

function englishStem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of ["ation", "ment", "ing", "ed", "ly", "er"]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (/(.)\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && /[ey]$/.test(w)) w = w.slice(0, -1);
  return w;
}

/** Which stemmer family to use: Snowball (shipped) or the hand-written light strippers. */
export type StemmerKind = "snowball" | "light";

const LIGHT_STEMMERS: Record<string, Stemmer> = {
  en: englishStem,
  ru: (w) => ruStrip(ruReflexive(w)),
  uk: (w) => ukStrip(ukReflexive(w)),
  es: esStrip,
};

const SNOWBALL_STEMMERS: Record<string, Stemmer> = {
  en: snowballEnglish,
  ru: snowballRussian,
  // The Ukrainian port leaves verb endings on (повертають → повертают, працюють → працюют),
  // so Ukrainian keeps the hand-written stemmer, which folds them.
  uk: (w) => ukStrip(ukReflexive(w)),
  es: snowballSpanish,
};

const STEMMERS: Record<StemmerKind, Record<string, Stemmer>> = {
  snowball: SNOWBALL_STEMMERS,
  light: LIGHT_STEMMERS,
};

const words = (s: string): Set<string> => new Set(s.split(/\s+/).filter(Boolean));

// Function words and filler common to questions of every topic. Accent-free and ё-free,
// as they are compared after normalize().
const STOP_WORDS: Record<string, Set<string>> = {
  en: words(`a an the i me my mine we us our you your yours he she it its they them their
    is am are was were be been being do does did done have has had having will would shall
    should can could may might must to of in on at by for from with about as into over
    and or but if so than then that this these those there here what which who whom whose
    how why where please pls hi hello hey thanks thank ok okay just also any some
    get got im ive dont doesnt didnt cant wont isnt its yes s t whats hows wheres whos
    id ill youre thats theres would now today yesterday tomorrow many much`),
  ru: words(`а и но или да нет не ни же ли бы то это этот эта эти тот та те что чтобы
    как так где когда кто чей мой моя мое мои мне меня мной я ты вы вас вам ваш ваша ваше
    ваши он она оно они его ее их им нам нас мы у в во на с со к ко о об от до по за из
    для при под над про без уже еще ну вот там тут здесь если есть был была было были быть
    будет можно пожалуйста привет здравствуйте спасибо подскажите скажите вообще очень
    все всё весь свой свою своих свои меня мою какой какая какое какие каких
    какую каким который которая которое которые ли либо бы чем моего моей моему
    моих моим вашего вашей ку ка то нибудь сейчас сегодня вчера завтра`),
  uk: words(`а і й та але або чи так ні не ж б би це цей ця ці той те ті що щоб як де коли
    хто чий мій моя моє мої мені мене мною я ти ви вас вам ваш ваша ваше ваші він вона воно
    вони його її їх їм нам нас ми у в на з зі із к до по за від для при під над про без
    вже ще ну ось там тут якщо є був була було були бути буде можна будь ласка привіт
    вітаю дякую підкажіть скажіть дуже все всі весь свій свою своїх свої мою
    який яка яке які якої якого якому яку котрий котра котре котрі чим уже хто
    мого моєї моєму моїх моїм моєю твого вашого вашої зараз сьогодні вчора учора завтра`),
  es: words(`a al ante con de del desde en entre hacia hasta para por segun sin sobre tras
    el la lo los las un una unos unas y o u e ni que como cuando donde quien cual cuales
    yo me mi mis tu te ti tus usted ustedes su sus nos nosotros vosotros ellos ellas ella el
    es son soy fue ser estar esta estoy esto este ese esa eso hay ha he han haber hola
    gracias por favor porfa pueden puedo puede se si ya muy tambien mas pero le les
    cual cuales algo alguna alguno esto estos estas cuanto cuanta cuantos cuantas ahora hoy
    ayer manana`),
};

/** Stems one normalised word for `lang`; the word itself for unknown languages. */
export function stem(lang: string, word: string, kind: StemmerKind = "snowball"): string {
  const s = STEMMERS[kind][lang];
  return s ? s(word) : word;
}

export function isStopWord(lang: string, word: string): boolean {
  return STOP_WORDS[lang]?.has(word) ?? false;
}

/** Normalised, stop-word-free, stemmed terms of a text (what the index sees). */
export function terms(
  lang: string,
  text: string,
  stemming = true,
  kind: StemmerKind = "snowball",
): string[] {
  const out: string[] = [];
  for (const w of tokenize(text)) {
    const t = processWord(lang, w, stemming, kind);
    if (t !== null) out.push(t);
  }
  return out;
}

/** One token → its index term, or null for stop words and noise. */
export function processWord(
  lang: string,
  word: string,
  stemming = true,
  kind: StemmerKind = "snowball",
): string | null {
  if (word.length < 2 && !/\d/.test(word)) return null;
  if (isStopWord(lang, word)) return null;
  return stemming ? stem(lang, word, kind) : word;
}
