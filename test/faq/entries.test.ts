import { describe, expect, it } from "vitest";
import {
  ALL_CLAUSES,
  FAQ_ENTRIES,
  FAQ_KEYS,
  FAQ_TOPICS,
  parseFaqLocale,
} from "../../src/faq/index.ts";
import { projectFaq } from "./setup.ts";

const { i18n, faq } = projectFaq();

describe("FAQ entries", () => {
  it("cover every clause of clauses.md", () => {
    const covered = new Set(FAQ_ENTRIES.flatMap((e) => e.clauses));
    expect(ALL_CLAUSES.filter((c) => !covered.has(c))).toEqual([]);
  });

  it("answer the questions around the clauses", () => {
    const ids = FAQ_ENTRIES.map((e) => e.id);
    for (const id of [
      "balance_expiry",
      "balance_refund_time",
      "payout_review_time",
      "payout_request_contents",
      "payment_methods",
      "contact_human",
      "support_email",
    ]) {
      expect(ids).toContain(id);
    }
  });

  it("have unique ids, and every topic has entries", () => {
    expect(new Set(FAQ_ENTRIES.map((e) => e.id)).size).toBe(FAQ_ENTRIES.length);
    for (const t of FAQ_TOPICS) expect(FAQ_ENTRIES.some((e) => e.topic === t)).toBe(true);
  });

  it("offer the right refund start where it fits", () => {
    const start = (id: string) => FAQ_ENTRIES.find((e) => e.id === id)?.start;
    expect(start("sms_not_received")).toBe("sms_not_received");
    expect(start("number_down")).toBe("number_down");
    expect(start("payout_when")).toBe("payout");
    expect(start("changed_mind")).toBe("none");
    expect(FAQ_ENTRIES.filter((e) => e.handoff).map((e) => e.id)).toEqual(["contact_human"]);
  });

  for (const lang of i18n.languages) {
    describe(lang, () => {
      it("faq.json passes validation", () => {
        expect(() => parseFaqLocale(lang, i18n.resources(lang, "faq"))).not.toThrow();
      });

      it("every answer cites its clauses and stays short", () => {
        for (const e of FAQ_ENTRIES) {
          const answer = i18n.t(lang, FAQ_KEYS.answer(e.id), { email: "help@example.com" });
          for (const c of e.clauses) expect(answer, `${lang} ${e.id}`).toContain(c);
          expect(answer.length, `${lang} ${e.id}`).toBeLessThan(420);
        }
      });

      it("questions fit on a button", () => {
        for (const e of FAQ_ENTRIES) {
          expect(
            i18n.t(lang, FAQ_KEYS.question(e.id)).length,
            `${lang} ${e.id}`,
          ).toBeLessThanOrEqual(64);
        }
      });

      it("contact answers give the configured e-mail", () => {
        for (const id of ["contact_human", "support_email"]) {
          expect(i18n.t(lang, FAQ_KEYS.answer(id), { email: "help@example.com" })).toContain(
            "help@example.com",
          );
        }
      });

      it("lists the /faq topics with their questions", () => {
        const topics = faq.topics(lang);
        expect(topics.map((t) => t.id)).toEqual([...FAQ_TOPICS]);
        expect(topics.flatMap((t) => t.entries).length).toBe(FAQ_ENTRIES.length);
        for (const t of topics) expect(t.label).toBe(i18n.t(lang, FAQ_KEYS.topic(t.id)));
      });
    });
  }

  it("each entry's own question matches itself in every language", () => {
    for (const lang of i18n.languages) {
      for (const e of FAQ_ENTRIES) {
        const q = i18n.t(lang, FAQ_KEYS.question(e.id));
        expect(faq.rank(q, lang).entries[0]?.entryId, `${lang}: ${q}`).toBe(e.id);
      }
    }
  });

  it("rejects a faq.json that lacks an entry", () => {
    const content = structuredClone(faq.content("en"));
    delete content.entries.caller_id;
    expect(() => parseFaqLocale("en", content)).toThrow(/entries\.caller_id/);
  });
});
