// FAQ matcher: accuracy per language on the labelled sets, out-of-scope precision, index build
// time and lookup latency, and the same accuracy with stemming or fuzzy search switched off.
import path from "node:path";
import { createFaq, type Faq, type FaqOptions } from "../../src/faq/index.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { evaluateSet, type LabelledCase, loadSet, rate, scoreRows } from "../faq/evaluate.ts";
import { type BenchSection, ms, percentiles, sample } from "./report.ts";

const localesDir = path.resolve(import.meta.dirname, "../../locales");
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The development sets (sets/README.md); FAQ_SET=<file.json> adds one more, scored alone. */
const SET_FILES = [
  "dev.json",
  "dev2.json",
  "tuning.json",
  "second.json",
  "blind.json",
  "holdout.json",
  "fresh.json",
];
const LANGUAGES = ["en", "ru", "uk", "es"] as const;

function accuracyRows(faq: Faq, sets: { name: string; cases: LabelledCase[] }[]) {
  return sets.flatMap(({ name, cases }) =>
    scoreRows(evaluateSet(faq, cases)).map((row) => ({ set: name, ...row })),
  );
}

function pooledFirstRight(faq: Faq, cases: LabelledCase[], lang: string): number {
  const t = evaluateSet(faq, cases).byLanguage.get(lang);
  return t === undefined ? 0 : rate(t.firstRight, t.questions);
}

export async function bench(): Promise<BenchSection[]> {
  const i18n = createI18n({ localesDir, fallbackLanguage: "en" });
  const faq = createFaq(i18n);
  const sets = SET_FILES.map((name) => ({ name, cases: loadSet(name) }));
  const external = process.env.FAQ_SET;
  const pooled = sets.flatMap((s) => s.cases);

  const build = percentiles(await sample(20, () => createFaq(i18n)));
  const load = percentiles(
    await sample(10, () => createFaq(createI18n({ localesDir, fallbackLanguage: "en" }))),
  );

  const latencyRows: Record<string, string | number>[] = [];
  /** Looks `questions` up `count` times in turn on `f`, and adds the figures as a row. */
  const lookups = async (what: string, f: Faq, questions: string[], count: number) => {
    const cpu: number[] = [];
    const times = await sample(count, (i) => {
      const before = process.cpuUsage();
      f.match(questions[i % questions.length] ?? "", { userLanguage: "en" });
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
    });
    const p = percentiles(times);
    const c = percentiles(cpu);
    latencyRows.push({
      what: `${what} (${times.length})`,
      "p50 ms": ms(p.p50),
      "p99 ms": ms(p.p99),
      "CPU p50 ms": ms(c.p50),
      "CPU p99 ms": ms(c.p99),
    });
  };
  const time = async (what: string, questions: string[], rounds: number) => {
    for (const q of questions) faq.match(q); // warm-up
    await lookups(what, faq, questions, questions.length * rounds);
  };
  for (const lang of LANGUAGES) {
    await time(
      `lookup, ${lang}`,
      pooled.filter((c) => c.lang === lang && c.style !== "long").map((c) => c.text),
      20,
    );
  }
  await time(
    "lookup, stories of 3–6 sentences",
    pooled.filter((c) => c.style === "long").map((c) => c.text),
    50,
  );
  // The rows above look each question up many times, so every word's work is remembered after
  // the first round (memo.ts). A question whose words are new costs more: here each question is
  // looked up once, on a FAQ that has seen 500 other messages (two development sets not timed
  // above) and none of these.
  {
    const fresh = createFaq(i18n);
    for (const c of [...loadSet("dev3.json"), ...loadSet("independent-2.json")]) {
      fresh.match(c.text);
    }
    const questions = pooled.filter((c) => c.style !== "long").map((c) => c.text);
    await lookups(
      "lookup, first sight of each question, all languages",
      fresh,
      questions,
      questions.length,
    );
  }
  // Telegram's longest message: each language's long stories repeated up to 4,096 characters.
  const longest = LANGUAGES.map((lang) => {
    const story = pooled
      .filter((c) => c.lang === lang && c.style === "long")
      .map((c) => c.text)
      .join(" ");
    return story.repeat(Math.ceil(4096 / Math.max(1, story.length))).slice(0, 4096);
  });
  await time("lookup, 4,096 characters", longest, 50);

  const variants: [string, FaqOptions][] = [
    [
      "shipped: classifier + BM25 (Snowball stemming, uk hand-written, prefix/fuzzy, whole-entry score)",
      {},
    ],
    ["classifier alone (no BM25)", { rankingWeight: 0 }],
    ["classifier + BM25 at half weight", { rankingWeight: 1 }],
    ["phrasings only (no whole-entry score)", { entryWeight: 0 }],
    ["hand-written light stemmers + prefix/fuzzy", { stemmer: "light" }],
    ["no stemming", { stemming: false }],
    ["no prefix/fuzzy", { fuzzy: false }],
    ["neither", { stemming: false, fuzzy: false }],
  ];
  const variantRows = variants.map(([name, options]) => {
    const f = createFaq(i18n, options);
    const all = evaluateSet(f, pooled).all;
    const row: Record<string, string | number> = {
      "set-up": name,
      "answered right": pct(rate(all.answeredRight, all.questions)),
      "wrong answered": pct(rate(all.wrongAnswered, all.questions)),
    };
    for (const lang of LANGUAGES) {
      row[`first-ranked ${lang}`] = pct(pooledFirstRight(f, pooled, lang));
    }
    return row;
  });

  const sections: BenchSection[] = [
    {
      title: "FAQ accuracy",
      rows: accuracyRows(faq, sets),
      notes: [
        "answered right: answered outright with the labelled entry, in the question's language; first-ranked right: the answer or the first suggestion is that entry; wrong answered: answered outright with another entry. The chat's language is set to another language than the question's. All these sets are development data: see test/faq/sets/README.md for who wrote each and what was tuned on it.",
      ],
    },
    {
      title: "FAQ speed",
      notes: [
        "p50/p99: wall-clock time of one lookup. CPU: the process's CPU time over it, which other programs on a shared machine do not lengthen (a descheduled lookup's wall time does grow).",
      ],
      rows: [
        {
          what: "index build (4 languages, from loaded locales)",
          "p50 ms": ms(build.p50),
          "p99 ms": ms(build.p99),
        },
        { what: "load locales + build index", "p50 ms": ms(load.p50), "p99 ms": ms(load.p99) },
        ...latencyRows,
      ],
    },
    {
      title: "FAQ matcher set-ups (over all development sets)",
      rows: variantRows,
      notes: [
        "Only Orama's stemmers are installed (@orama/stemmers, Apache-2.0, no dependencies, 416 kB packed): MiniSearch uses its Snowball ports for ru/es/en; its Ukrainian port leaves verb endings on (повертають → повертают), so uk keeps the hand-written stemmer. Orama (3.1) itself and FlexSearch (0.8) were compared on documentation, not run: Orama has BM25 and typo tolerance but its search API is async-capable and heavier; FlexSearch's encoders are Latin-oriented (no ru/uk stemming) and it ranks by term resolution, not BM25, which gives no score to set a confidence threshold on.",
      ],
    },
  ];
  if (external !== undefined) {
    sections.unshift({
      title: `FAQ accuracy on ${external}`,
      rows: accuracyRows(faq, [{ name: path.basename(external), cases: loadSet(external) }]),
    });
  }
  return sections;
}
