// Every test file starts with the refund machine knowing the languages under
// locales/, as the program does at start (src/app/core.ts).
import { LOCALES_DIR } from "../src/config/load.ts";
import { teachLanguages } from "../src/conversation/languages.ts";
import { createI18n } from "../src/i18n/index.ts";

teachLanguages(createI18n({ localesDir: LOCALES_DIR, fallbackLanguage: "en" }));
