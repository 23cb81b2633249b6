// `npm run playground`: the playground, whether or not a bot token is configured.
import { ConfigError, loadConfig } from "../config/load.ts";
import { scrubCredentials } from "../logging/redact.ts";
import { runPlayground } from "./run.ts";

/** sysexits.h EX_CONFIG, as the entry point uses it. */
const EXIT_CONFIG = 78;

try {
  await runPlayground(loadConfig());
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${scrubCredentials(e.message)}\n`);
  process.exit(EXIT_CONFIG);
}
