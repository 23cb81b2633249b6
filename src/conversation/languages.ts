import { useLanguages } from "../../machines/refund/grammar.ts";
import type { I18n } from "../i18n/index.ts";

/**
 * Hands the refund machine the words customers use for dates and amounts in
 * every language under locales/ (each `conversation.json`'s `input`), so that
 * a new language folder is all a new language needs.
 */
export function teachLanguages(i18n: I18n): void {
  useLanguages(
    Object.fromEntries(i18n.languages.map((l) => [l, i18n.resources(l, "conversation")?.input])),
  );
}
