// Russian and Ukrainian typed in Latin letters ("a dengi na balanse ostalis?", "groshi ne
// pryyshly"), turned back into Cyrillic so that the FAQ of that language can read it. People
// type these by ear, not by a standard, so the tables take the common spellings of each sound
// (ya/ja/ia, ch/4, y after a vowel as й) and leave the rest to the fuzzy search and character
// n-grams.

/** Latin spellings → Cyrillic; the first that fits is taken, so longer spellings come first. */
type Table = readonly (readonly [string, string])[];

const COMMON: Table = [
  ["shch", "щ"],
  ["sch", "щ"],
  ["zh", "ж"],
  ["kh", "х"],
  ["ch", "ч"],
  ["sh", "ш"],
  ["ts", "ц"],
  ["tz", "ц"],
  ["a", "а"],
  ["b", "б"],
  ["v", "в"],
  ["w", "в"],
  ["d", "д"],
  ["e", "е"],
  ["z", "з"],
  ["k", "к"],
  ["q", "к"],
  ["l", "л"],
  ["m", "м"],
  ["n", "н"],
  ["o", "о"],
  ["p", "п"],
  ["r", "р"],
  ["s", "с"],
  ["t", "т"],
  ["u", "у"],
  ["f", "ф"],
  ["c", "ц"],
  ["x", "х"],
  ["j", "й"],
  ["4", "ч"],
];

const RUSSIAN: Table = [
  ["yo", "е"],
  ["jo", "е"],
  ["yu", "ю"],
  ["ju", "ю"],
  ["ya", "я"],
  ["ja", "я"],
  ["ye", "е"],
  ["je", "е"],
  ["yy", "ый"],
  ["iy", "ий"],
  ["ij", "ий"],
  ["y", "ы"],
  ["i", "и"],
  ["g", "г"],
  ["h", "х"],
  ["'", "ь"],
  ...COMMON,
];

const UKRAINIAN: Table = [
  ["yu", "ю"],
  ["ju", "ю"],
  ["iu", "ю"],
  ["ya", "я"],
  ["ja", "я"],
  ["ia", "я"],
  ["ye", "є"],
  ["je", "є"],
  ["ie", "є"],
  ["yi", "ї"],
  ["ji", "ї"],
  ["yy", "ий"],
  ["iy", "ій"],
  ["y", "и"],
  ["i", "і"],
  ["h", "г"],
  ["g", "г"],
  ...COMMON,
];

/** A table's spellings by their first letter, in the table's order (a lookup scans only those). */
function byFirstLetter(table: Table): ReadonlyMap<string, Table> {
  const out = new Map<string, (readonly [string, string])[]>();
  for (const pair of table) {
    const first = pair[0].charAt(0);
    out.set(first, [...(out.get(first) ?? []), pair]);
  }
  return out;
}

const TABLES: Record<string, ReadonlyMap<string, Table>> = {
  ru: byFirstLetter(RUSSIAN),
  uk: byFirstLetter(UKRAINIAN),
};

/** The languages this module can read in Latin letters. */
export const TRANSLITERATED_LANGUAGES: readonly string[] = Object.keys(TABLES);

const VOWELS = "аеиоуыэюяіїєё";

/** Word-final adjective endings: "odnorazovyi" одноразовий / одноразовый, "kakoi" какой. */
const FINAL: Record<string, Record<string, string>> = {
  ru: { yi: "ый", yy: "ый", yj: "ый", iy: "ий", ij: "ий" },
  uk: { yi: "ий", yy: "ий", yj: "ий", iy: "ій", ij: "ій" },
};
/** Russian writes и, not ы, after these: "drugoy" другой, "russkiy" русский. */
const RU_NO_Y_AFTER = "кгхжшчщ";

function convertWord(word: string, table: ReadonlyMap<string, Table>, lang: string): string {
  let out = "";
  let i = 0;
  while (i < word.length) {
    const ending = i === word.length - 2 ? FINAL[lang]?.[word.slice(i)] : undefined;
    if (ending !== undefined && out.length > 0) {
      const soft = lang === "ru" && RU_NO_Y_AFTER.includes(out.at(-1) ?? "");
      return out + (soft ? ending.replace("ы", "и") : ending);
    }
    const pair = table.get(word.charAt(i))?.find(([latin]) => word.startsWith(latin, i));
    if (pair === undefined) {
      out += word[i];
      i++;
      continue;
    }
    let [latin, cyrillic] = pair;
    // After a vowel "y" is й ("moy" мой, "miy" мій), and so is Russian "i" ("moi" мой); "4"
    // is ч only inside a word ("4to" что).
    if ((latin === "y" || latin === "i") && VOWELS.includes(out.at(-1) ?? "")) {
      cyrillic = latin === "y" || lang === "ru" ? "й" : cyrillic;
    }
    if (latin === "4" && !/[a-z]/.test(`${word[i - 1] ?? ""}${word[i + 1] ?? ""}`)) cyrillic = "4";
    out += cyrillic;
    i += latin.length;
  }
  return out;
}

/** `text` (lower-case Latin) in the Cyrillic letters of `lang`; other characters stay. */
export function toCyrillic(text: string, lang: string): string {
  const table = TABLES[lang];
  if (table === undefined) return text;
  return text.toLowerCase().replace(/[a-z4']+/g, (word) => convertWord(word, table, lang));
}
