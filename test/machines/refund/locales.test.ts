import { readFileSync } from "node:fs";
import path from "node:path";
import { getShortestPaths } from "@xstate/graph";
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import type { SnapshotFrom } from "xstate";
import type { RefundEvent } from "../../../machines/refund/events.ts";
import { walk, where } from "../../../machines/refund/flow.ts";
import { QUESTION_IDS } from "../../../machines/refund/ids.ts";
import { refundMachine } from "../../../machines/refund/machine.ts";
import { ANSWER_ERRORS, options, QUESTIONS } from "../../../machines/refund/questions.ts";
import {
  type Params,
  questionReply,
  type Reply,
  refusedReply,
  SUBMISSION_PARAMS,
  submittedReply,
  summaryReply,
} from "../../../machines/refund/replies.ts";
import { discoverLanguages } from "../../../src/config/load.ts";
import { COLLECT_BALANCE, choose, converse, INPUT, NOW, text } from "./helpers.ts";

type Json = string | { [k: string]: Json };
/** The texts a person reads; `input` (the words customers type) is checked by grammar.test.ts. */
const load = (lang: string): Record<string, string> => {
  const file = path.resolve(process.cwd(), "locales", lang, "conversation.json");
  const out: Record<string, string> = {};
  const walkJson = (o: Json, prefix: string) => {
    if (typeof o === "string") out[prefix] = o;
    else for (const [k, v] of Object.entries(o)) walkJson(v, prefix === "" ? k : `${prefix}.${k}`);
  };
  const { input: _words, ...texts } = JSON.parse(readFileSync(file, "utf8")) as Record<
    string,
    Json
  >;
  walkJson(texts, "");
  return out;
};
const LANGS = discoverLanguages();
const locales: Record<string, Record<string, string>> = Object.fromEntries(
  LANGS.map((l) => [l, load(l)]),
);
const en = load("en");
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const placeholders = (s: string) =>
  new Set([...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1] ?? ""));

/** Every reply a reachable state can show, plus the fixed ones. */
function everyReply(): Reply[] {
  return [...repliesFor(["crypto"]), ...repliesFor(["other"])];
}

function repliesFor(unrefundableMethods: string[]): Reply[] {
  type Snap = SnapshotFrom<typeof refundMachine>;
  const now = NOW;
  const typed: Record<string, string[]> = {
    reported: ["2026-11-10 10:00", "2026-11-18"],
    reported_time: ["10:00"],
    restored: ["2026-11-19 10:00", "2026-11-18"],
    restored_time: ["10:30"],
    problem_date: ["2026-11-19", "2026-09-01"],
    paid_date: ["2026-11-19", "2026-09-01"],
    account: ["me@example.com"],
    reference: ["+49 30 1234567", "ORD-1"],
    amount: ["12.50 EUR"],
    details: [
      "1234",
      "me@paypal.example",
      "DE89 3704 0044 0532 0130 00",
      "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
      "Cash at the office",
    ],
    comment: ["ok"],
  };
  const paths = getShortestPaths(refundMachine, {
    input: { ...INPUT, unrefundableMethods, now },
    events: (s: Snap): RefundEvent[] => {
      if (s.status !== "active") return [];
      const ctx = s.context;
      const at = where(ctx);
      if (at === "summary") return [{ type: "submit", now }];
      if (at === "refused") return [];
      const q = at;
      if (QUESTIONS[q].kind === "choice")
        return options(q, ctx).map((v) => ({ type: "choose", q, v, now }));
      if (q === "comment") return [{ type: "choose", q, v: "skip", now }];
      if (q === "evidence")
        return ["skip", "2"].map((v) => ({ type: "choose" as const, q, v, now }));
      return (typed[q] ?? []).map((t) => ({ type: "text", text: t, now }));
    },
    serializeState: (s) => {
      const snap = s as Snap;
      const { now: _n, ...rest } = snap.context;
      return JSON.stringify([snap.value, rest]);
    },
  });
  const replies: Reply[] = [{ key: "intro" }, { key: "restart.apology" }];
  for (const p of paths) {
    const s = p.state as Snap;
    const ctx = s.context;
    const w = walk(ctx);
    if (w.next.kind === "ask") replies.push(questionReply(ctx, w.next.q));
    else if (w.next.kind === "summary") {
      replies.push(summaryReply(ctx, w.next.grant));
      replies.push(
        submittedReply(
          w.next.grant.refund,
          w.next.grant.clause,
          ctx.answers.paid_with === "crypto",
        ),
      );
    } else replies.push(refusedReply(ctx, w.next.decision));
  }
  // An outage longer than E1's month: its days are capped, and the summary says why.
  const long = converse([
    choose("want", "balance"),
    choose("service", "rented"),
    choose("what", "not_working"),
    text("2026-08-28 10:00"),
    choose("still_down", "yes"),
    ...COLLECT_BALANCE,
  ]);
  replies.push(...long.replies);
  // A request started from a message that named the day the problem began: that day is offered.
  const proposed = converse([choose("want", "balance")], {
    input: { ...INPUT, answers: { service: "rented", what: "not_working" }, since: "2026-11-18" },
  });
  replies.push(...proposed.replies);
  const proposedDay = converse([choose("want", "balance")], {
    input: { ...INPUT, answers: { service: "rented", what: "not_provided" }, since: "2026-11-18" },
  });
  replies.push(...proposedDay.replies);
  for (const e of ANSWER_ERRORS) replies.push({ key: `error.${e}` });
  replies.push({ key: "error.nothing_back" });
  for (const k of ["cancelled", "handoff", "closed"]) replies.push({ key: `done.${k}` });
  for (const k of ["A1", "A2", "A3", "A4", "C1", "C2"]) replies.push({ key: `reason.${k}` });
  // A hand-off's notice names the step the customer was at by its question's label.
  for (const q of QUESTION_IDS) replies.push({ key: `field.${q}` });
  return replies;
}

/** (key, params) pairs: the reply, its button labels, its summary lines. */
function texts(r: Reply): Array<{ key: string; params: Params }> {
  // The service completes the submission reply with the case number and deadline.
  const service: Params = r.key.startsWith("done.submitted")
    ? Object.fromEntries(SUBMISSION_PARAMS.map((p) => [p, "x"]))
    : {};
  const out = [{ key: r.key, params: { ...r.params, ...service } }];
  for (const b of r.buttons?.flat() ?? [])
    out.push({ key: b.labelKey, params: b.labelParams ?? {} });
  for (const l of r.lines ?? []) {
    out.push({ key: l.labelKey, params: {} }, { key: l.valueKey, params: l.valueParams ?? {} });
  }
  return out;
}

const used = everyReply().flatMap(texts);

describe("locales/*/conversation.json", () => {
  it("every key a reply uses exists in English, with every placeholder given", () => {
    const missing: string[] = [];
    for (const { key, params } of used) {
      const isPlural = "count" in params && en[`${key}_other`] !== undefined;
      const forms = isPlural
        ? Object.keys(en).filter((k) => k.replace(PLURAL_SUFFIX, "") === key)
        : [key];
      if (forms.length === 0 || forms.some((k) => en[k] === undefined)) {
        missing.push(key);
        continue;
      }
      for (const k of forms) {
        for (const ph of placeholders(en[k] ?? ""))
          if (!(ph in params)) missing.push(`${k}: {{${ph}}}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it("English has no key that nothing uses", () => {
    const keys = new Set(used.map((u) => u.key));
    const unused = Object.keys(en).filter(
      (k) => !keys.has(k) && !keys.has(k.replace(PLURAL_SUFFIX, "")),
    );
    expect(unused).toEqual([]);
  });

  for (const lang of LANGS.filter((l) => l !== "en")) {
    it(`${lang} has the same keys, placeholders and its language's plural forms`, () => {
      const loc = locales[lang] ?? {};
      const base = (o: Record<string, string>) =>
        new Set(Object.keys(o).map((k) => k.replace(PLURAL_SUFFIX, "")));
      expect([...base(loc)].sort()).toEqual([...base(en)].sort());
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      const enCategories = new Intl.PluralRules("en").resolvedOptions().pluralCategories;
      for (const k of Object.keys(en)) {
        const b = k.replace(PLURAL_SUFFIX, "");
        if (b !== k) {
          for (const c of categories) expect(loc[`${b}_${c}`], `${lang} ${b}_${c}`).toBeDefined();
          for (const c of enCategories) expect(en[`${b}_${c}`], `en ${b}_${c}`).toBeDefined();
          expect(placeholders(loc[`${b}_other`] ?? "")).toEqual(
            placeholders(en[`${b}_other`] ?? ""),
          );
        } else {
          expect(placeholders(loc[k] ?? ""), `${lang} ${k}`).toEqual(placeholders(en[k] ?? ""));
        }
      }
      for (const k of Object.keys(loc)) {
        const m = PLURAL_SUFFIX.exec(k);
        if (m !== null) expect(categories as readonly string[]).toContain(m[1]);
      }
    });
  }

  it("i18next renders every reply in every language without a missing key or a leftover placeholder", async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      lng: "en",
      fallbackLng: false,
      ns: ["conversation"],
      defaultNS: "conversation",
      interpolation: { escapeValue: false },
      resources: Object.fromEntries(
        LANGS.map((l) => [
          l,
          {
            conversation: JSON.parse(
              readFileSync(path.resolve(process.cwd(), "locales", l, "conversation.json"), "utf8"),
            ),
          },
        ]),
      ),
    });
    const seen = new Set<string>();
    for (const { key, params } of used) {
      const id = `${key}|${Object.keys(params).sort().join(",")}|${params.count ?? ""}`;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const lng of LANGS) {
        const out = i18n.t(key, { ...params, lng });
        expect(out, `${lng} ${key}`).not.toBe(key);
        expect(out, `${lng} ${key}`).not.toMatch(/\{\{/);
      }
    }
  });
});
