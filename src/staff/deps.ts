import type { Config } from "../config/load.ts";
import type { Role } from "../database/generated/client.ts";
import type { I18n } from "../i18n/index.ts";
import type { Logger } from "../logging/logger.ts";

/** What the staff side needs from the composition root (src/app/core.ts). */
export interface StaffDeps {
  config: Config;
  i18n: I18n;
  logger: Logger;
  /** told when an update sets someone's role, before it commits (their command menu follows) */
  onRoleChanged?: (userId: bigint, role: Role) => void;
}
