import { describe, expect, it } from "vitest";
import {
  createFaq,
  createFaqFromLocales,
  detectLanguage,
  FAQ_ENTRIES,
  type Faq,
  languageTraits,
  MAX_QUESTION_LENGTH,
} from "../../src/faq/index.ts";
import { textsOf, trainLanguageModel } from "../../src/faq/language-model.ts";
import { synonymMap } from "../../src/faq/synonyms.ts";
import { languageWords, normalize, terms } from "../../src/faq/text.ts";
import { toCyrillic } from "../../src/faq/translit.ts";
import { loadSet } from "./evaluate.ts";
import { projectFaq } from "./setup.ts";

const { faq, i18n } = projectFaq();
const words = (lang: string) => languageWords(faq.content(lang).words);

describe("language detection", () => {
  const langs = ["en", "es", "ru", "uk"];
  const traits = new Map(
    langs.map((l) => [l, languageTraits(faq.content(l).words, () => textsOf(faq.content(l)))]),
  );
  const lang = (text: string, preferred?: string) =>
    detectLanguage(text, langs, preferred, undefined, traits);

  it("tells Ukrainian by і/ї/є/ґ and Russian by ы/э/ъ/ё", () => {
    expect(lang("Чи згорає баланс?")).toEqual({ candidates: ["uk"], certain: true });
    expect(lang("Сгорает ли баланс? ы")).toEqual({ candidates: ["ru"], certain: true });
  });

  it("tells Spanish by ñ, ¿ and accents", () => {
    expect(lang("¿Caduca mi saldo?").candidates[0]).toBe("es");
    expect(lang("mañana").candidates[0]).toBe("es");
  });

  it("uses cue words when no letter tells", () => {
    expect(lang("как вернуть деньги на карту").candidates[0]).toBe("ru");
    expect(lang("як повернути гроші на картку").candidates[0]).toBe("uk");
    expect(lang("como recupero mi dinero").candidates[0]).toBe("es");
    expect(lang("how do I get my money back").candidates[0]).toBe("en");
  });

  it("lets the chat's language break a tie", () => {
    expect(lang("номер", "uk").candidates[0]).toBe("uk");
    expect(lang("номер", "ru").candidates[0]).toBe("ru");
    expect(lang("номер", "uk").certain).toBe(false);
  });

  it("tells Russian from Ukrainian by letter sequences learnt from the FAQ text", () => {
    const model = trainLanguageModel(
      Object.fromEntries(langs.map((l) => [l, textsOf(i18n.resources(l, "faq"))])),
    );
    // No і/ї/є/ы/э and no cue word in either; the chat's language is the other one.
    expect(
      detectLanguage("скасував замовлення вчора", langs, "ru", model, traits).candidates[0],
    ).toBe("uk");
    expect(detectLanguage("отменил заказ вчера", langs, "uk", model, traits).candidates[0]).toBe(
      "ru",
    );
  });

  it("tells the language of words, not of an order number, an e-mail address or a link", () => {
    expect(
      ["Почему мне не вернули деньги", "hola amigo", "a dengi na balanse sgorayut?"].map((t) =>
        faq.languageTold(t),
      ),
    ).toEqual(["ru", "es", "ru"]);
    expect(
      ["TX-99812", "ann@example.com", "see https://example.com/x"].map((t) => faq.languageTold(t)),
    ).toEqual([undefined, undefined, undefined]);
  });

  it("only proposes languages it has", () => {
    expect(detectLanguage("Чи згорає баланс?", ["en", "ru"]).candidates).not.toContain("uk");
  });
});

describe("text processing", () => {
  it("normalises case, ё, Latin accents and apostrophes but keeps й and ї", () => {
    expect(normalize("Ёлка ÁRBOL й ї пам’ять")).toBe("елка arbol й ї память");
  });

  it("stems inflected forms to the same term", () => {
    expect(words("ru").stem("заблокировали")).toBe(words("ru").stem("заблокирован"));
    expect(words("ru").stem("номера")).toBe(words("ru").stem("номером"));
    expect(words("uk").stem("заблокували")).toBe(words("uk").stem("заблоковано"));
    expect(words("uk").stem("картку")).toBe(words("uk").stem("картка"));
    expect(words("es").stem("números")).toBe(words("es").stem("número"));
    expect(words("en").stem("refunds")).toBe(words("en").stem("refund"));
    expect(words("en").stem("blocked")).toBe(words("en").stem("block"));
  });

  it("drops stop words", () => {
    expect(terms(words("en"), "what is my balance")).toEqual(["balanc"]);
    expect(terms(words("ru"), "какой у меня баланс")).toEqual(["баланс"]);
  });
});

describe("synonyms", () => {
  const toTerms = (text: string) => terms(words("ru"), text);

  it("map every word of a group, and its inflections, to the group's first word", () => {
    const map = synonymMap(["смс sms эсэмэска", "сим-карта симка сим"], toTerms);
    const term = (w: string) => {
      const [t] = toTerms(w);
      return t === undefined ? undefined : (map.get(t) ?? t);
    };
    expect(term("эсэмэски")).toBe(term("смс"));
    expect(term("SMS")).toBe(term("смс"));
    // "сим-карта" is two words, not one term: the group's first word is "симка".
    expect(term("сим")).toBe(words("ru").stem("симка"));
    expect(map.has(words("ru").stem("симка"))).toBe(false);
  });

  it("let a question's colloquial word find the entry", () => {
    const ru = structuredClone(i18n.resources("ru", "faq")) as { synonyms?: string[] };
    const without = createFaqFromLocales({ ru: { ...ru, synonyms: [] } });
    const withGroup = createFaqFromLocales({ ru: { ...ru, synonyms: ["смс эсэмэска"] } });
    const q = "эсэмэска не дошла";
    expect(without.rank(q, "ru").vocabularyCoverage).toBeLessThan(
      withGroup.rank(q, "ru").vocabularyCoverage,
    );
    expect(withGroup.rank(q, "ru").entries[0]?.entryId).toBe("sms_not_received");
  });
});

describe("match", () => {
  it("answers a clear question with its entry, in the question's language", () => {
    const m = faq.match("Сгорают ли деньги на балансе?", { userLanguage: "en" });
    expect(m).toMatchObject({ kind: "answer", entryId: "balance_expiry", language: "ru" });
  });

  it("hands a request for a person to staff", () => {
    expect(faq.match("I want to talk to a human")).toMatchObject({
      kind: "handoff",
      entryId: "contact_human",
      language: "en",
    });
    expect(faq.match("Хочу поговорити з живою людиною")).toMatchObject({
      kind: "handoff",
      language: "uk",
    });
  });

  it("matches typos and inflections", () => {
    expect(faq.match("sms nevr arived")).toMatchObject({ entryId: "sms_not_received" });
    expect(faq.match("одноразовому номеру кодов не приходило")).toMatchObject({
      entryId: "sms_not_received",
    });
    expect(faq.match("мої гроші на балансі згорять?")).toMatchObject({
      entryId: "balance_expiry",
      language: "uk",
    });
  });

  it("suggests two or three entries when unsure", () => {
    const m = faq.match("refund");
    expect(m.kind).toBe("suggestions");
    if (m.kind === "suggestions") {
      expect(m.entryIds.length).toBeGreaterThanOrEqual(2);
      expect(m.entryIds.length).toBeLessThanOrEqual(3);
      expect(new Set(m.entryIds).size).toBe(m.entryIds.length);
    }
  });

  it("calls plainly unrelated questions out of scope", () => {
    expect(faq.match("what's the weather like in Paris")).toEqual({
      kind: "out_of_scope",
      language: "en",
    });
    expect(faq.match("¿Cuál es la capital de Francia?").kind).toBe("out_of_scope");
    expect(faq.match("   ").kind).toBe("out_of_scope");
    expect(faq.match("!!!", { userLanguage: "uk" })).toEqual({
      kind: "out_of_scope",
      language: "uk",
    });
  });

  it("does not answer a question that shares words with an entry but not its subject", () => {
    for (const q of ["my phone screen is broken", "у какого оператора лучшая связь"]) {
      expect(["suggestions", "out_of_scope"], q).toContain(faq.match(q).kind);
    }
  });

  it("ranks entries by their best phrasing and by all their text together", () => {
    const q = "I cancelled the rental early, refund for the remaining days?";
    const r = faq.rank(q, "en");
    for (const e of r.entries) expect(e.score).toBeGreaterThanOrEqual(e.phraseScore);
    const phrasingsOnly = createFaqFromLocales(
      { en: i18n.resources("en", "faq") },
      { entryWeight: 0 },
    ).rank(q, "en");
    for (const e of phrasingsOnly.entries) expect(e.score).toBe(e.phraseScore);
    expect(r.entries[0]?.entryId).toBe("deactivated_early");
  });

  it("offers the refund start of the entry it answers with", () => {
    const m = faq.match("the verification code never came to the one-time number");
    expect(m.kind).toBe("answer");
    if (m.kind === "answer") expect(faq.entry(m.entryId)?.start).toBe("sms_not_received");
  });

  it("ranks every language's own questions first", () => {
    for (const lang of faq.languages) {
      const r = faq.rank(faq.content(lang).entries.caller_id?.question ?? "", lang);
      expect(r.entries[0]?.entryId).toBe("caller_id");
      expect(r.vocabularyCoverage).toBe(1);
    }
  });
});

describe("the customer's styles", () => {
  it("turns Russian and Ukrainian typed in Latin letters into Cyrillic and answers in that language", () => {
    expect(toCyrillic("dengi na balanse", "ru")).toBe("денги на балансе");
    expect(toCyrillic("groshi na balansi", "uk")).toBe("гроші на балансі");
    expect(faq.match("kod ne prishel na odnorazovyi nomer", { userLanguage: "en" })).toMatchObject({
      entryId: "sms_not_received",
      language: "ru",
    });
    // Not "kod ne pryyshov": without its "не" (a stop word) it reads as much like "the code
    // came, but…" as like "it never came", and gets both as suggestions.
    expect(
      faq.match("sms ne pryishla na odnorazovyi nomer, povernit groshi", { userLanguage: "en" }),
    ).toMatchObject({
      entryId: "sms_not_received",
      language: "uk",
    });
    // English and Spanish stay what they are.
    expect(faq.match("my code never came").language).toBe("en");
    expect(faq.match("no me llega el codigo").language).toBe("es");
  });

  it("reads a question with English words in Russian as Russian, with all its words", () => {
    expect(faq.match("смс code не пришел на one-time номер", { userLanguage: "en" })).toMatchObject(
      {
        entryId: "sms_not_received",
        language: "ru",
      },
    );
  });

  it("finds the question in a story", () => {
    const story =
      "Hi. Last month I rented a number for my shop and it worked fine. " +
      "Since Monday nobody can call me on it, every call fails. " +
      "I wrote to you the same day. Will you pay me back for these days?";
    expect(faq.match(story)).toMatchObject({ kind: "answer", entryId: "number_down" });
  });

  it("answers a story its whole reading leaves unsure of when its question agrees", () => {
    // The whole story spreads its confidence over the entries its facts touch; the asking
    // sentences, read on their own, say which one it asks about.
    const wholeOnly = createFaq(i18n, { thresholds: { focusConfidence: 2 } });
    const stories = [
      "dev.json",
      "dev2.json",
      "dev3.json",
      "independent.json",
      "independent-2.json",
      "independent-3.json",
    ]
      .flatMap((file) => loadSet(file))
      .filter((c) => c.style === "long");
    const count = (f: Faq) => {
      let right = 0;
      let wrong = 0;
      for (const c of stories) {
        const m = f.match(c.text);
        if (m.kind !== "answer" && m.kind !== "handoff") continue;
        if (m.entryId === c.expected) right++;
        else wrong++;
      }
      return { right, wrong };
    };
    const withFocus = count(faq);
    const without = count(wholeOnly);
    expect(withFocus.right).toBeGreaterThanOrEqual(without.right + 4);
    expect(withFocus.wrong).toBeLessThanOrEqual(without.wrong);
  });

  it("tells small talk from questions", () => {
    expect(faq.match("hello")).toMatchObject({ kind: "smalltalk", topic: "greeting" });
    expect(faq.match("спасибо большое")).toMatchObject({ kind: "smalltalk", topic: "thanks" });
    expect(faq.match("меню", { userLanguage: "uk" })).toMatchObject({
      kind: "smalltalk",
      topic: "help",
      language: "uk",
    });
    expect(faq.match("hi, the sms code never came").kind).toBe("answer");
  });

  it("takes a message of nothing but small-talk words for small talk, in the language they are", () => {
    // "días" and "дня" also name the outage entry's days; the words together are a greeting.
    expect(faq.match("buenos días")).toEqual({
      kind: "smalltalk",
      topic: "greeting",
      language: "es",
    });
    expect(faq.match("бувай, гарного дня")).toEqual({
      kind: "smalltalk",
      topic: "thanks",
      language: "uk",
    });
    // Latin letters that could be Russian typed in Latin are English small talk first.
    expect(faq.match("ok bye")).toEqual({ kind: "smalltalk", topic: "thanks", language: "en" });
    expect(faq.match("spasibo")).toEqual({ kind: "smalltalk", topic: "thanks", language: "ru" });
    expect(faq.match("menu", { userLanguage: "es" })).toMatchObject({ language: "es" });
    expect(faq.match("buenos días, no me llegó el código").kind).toBe("answer");
    // The greeting that opens a question is left out of its matching.
    expect(faq.match("buenos días, no me llegó el sms al número")).toMatchObject({
      kind: "answer",
      entryId: "sms_not_received",
    });
  });

  it("tells where the message wants the money, when the entry starts a request", () => {
    const want = (q: string) => {
      const m = faq.match(q);
      return m.kind === "answer" ? m.want : m.kind;
    };
    expect(want("my rented number is down for two days, refund it to my card please")).toBe(
      "payout",
    );
    expect(want("номер не работает уже два дня, верните на баланс")).toBe("balance");
    expect(want("nomer ne rabotaet dva dnya, vernite na kartu")).toBe("payout");
    // A SIM card is not a bank card, and saying both is saying neither.
    expect(want("сим-карта арендованного номера не работает два дня")).toBeUndefined();
    expect(want("number down for two days, to my balance or to my card?")).toBeUndefined();
    // An entry without a request to start has nowhere to put it.
    expect(want("does my balance ever expire if I never withdraw it to my card?")).toBeUndefined();
  });

  it("reads at most Telegram's 4,096 characters of a message", () => {
    const question = "the sms code never came to the one-time number";
    const flood = `${question} ${"x".repeat(MAX_QUESTION_LENGTH * 2500)}`;
    expect(flood.length).toBeGreaterThan(10_000_000);
    expect(faq.match(flood)).toMatchObject({ entryId: "sms_not_received" });
  });
});

describe("a language added as a folder", () => {
  const en = i18n.resources("en", "faq");
  /** A German faq.json: English's with one German question, and `words` as given. */
  const german = (words?: object) => {
    const de = structuredClone(en) as {
      entries: Record<string, { question: string }>;
      words?: object;
    };
    for (const e of FAQ_ENTRIES) {
      const entry = de.entries[e.id];
      if (entry) entry.question = `${entry.question} (de)`;
    }
    const entry = de.entries.balance_expiry;
    if (entry) entry.question = "Verfällt mein Guthaben?";
    delete de.words;
    return words === undefined ? de : { ...de, words };
  };

  it("is indexed unstemmed and matched", () => {
    const withDe = createFaqFromLocales({ en, de: german() });
    expect(withDe.languages).toEqual(["de", "en"]);
    expect(withDe.rank("verfällt guthaben", "de").entries[0]?.entryId).toBe("balance_expiry");
    expect(withDe.rank("verfällt mein guthaben", "de").termCount).toBe(3);
  });

  it("is told from the languages of its script by the letters its folder names", () => {
    const traits = (letters: string) =>
      new Map([
        ["en", languageTraits(faq.content("en").words, () => [])],
        ["de", languageTraits({ script: "Latin", letters, cues: [] }, () => [])],
      ]);
    const guess = (letters: string) =>
      detectLanguage("Verfällt mein Guthaben?", ["de", "en"], "en", undefined, traits(letters));
    expect(guess("äöüß")).toEqual({ candidates: ["de"], certain: true });
    expect(guess("").certain).toBe(false);
  });

  it("reads its stop words and the endings its stemmer strips from its folder", () => {
    const words = {
      script: "Latin",
      letters: "äöüß",
      stopWords: ["mein"],
      cues: ["mein"],
      stemmer: "suffixes",
      lightStemmer: "none",
      suffixes: ["s"],
      reflexiveSuffixes: [],
    };
    // No typo search: only the stemmer can find "Guthabens".
    const plain = createFaqFromLocales({ en, de: german() }, { fuzzy: false });
    const taught = createFaqFromLocales({ en, de: german(words) }, { fuzzy: false });
    expect(taught.rank("verfällt mein guthaben", "de").termCount).toBe(2);
    expect(plain.rank("guthabens", "de").entries).toEqual([]);
    expect(taught.rank("guthabens", "de").entries[0]?.entryId).toBe("balance_expiry");
  });
});
