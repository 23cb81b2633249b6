import path from "node:path";
import { createFaq, type Faq } from "../../src/faq/index.ts";
import { createI18n, type I18n } from "../../src/i18n/index.ts";

export const localesDir = path.resolve(import.meta.dirname, "../../locales");

let cached: { i18n: I18n; faq: Faq } | undefined;

/** The project's i18n and FAQ, built once per test file. */
export function projectFaq(): { i18n: I18n; faq: Faq } {
  if (!cached) {
    const i18n = createI18n({ localesDir, fallbackLanguage: "en" });
    cached = { i18n, faq: createFaq(i18n) };
  }
  return cached;
}
