import { describe, expect, it } from "vitest";
import { staffFirst } from "../../src/staff/roles.ts";
import { parseUpdate } from "../../src/updates/parse.ts";
import { testConfig } from "../support/bot.ts";

const STAFF_GROUP = -1005550001;
const ADMIN = 7001;

function text(
  updateId: number,
  chat: { id: number; type: "private" | "supergroup" },
  from: number,
) {
  const inbound = parseUpdate({
    update_id: updateId,
    message: { message_id: 1, date: 0, chat, from: { id: from, first_name: "T" }, text: "hi" },
  });
  if (inbound.kind === "ignored") throw new Error(`update ${updateId} was ignored`);
  return inbound;
}

describe("staffFirst", () => {
  const config = testConfig({ ADMIN_IDS: String(ADMIN), STAFF_CHAT_ID: String(STAFF_GROUP) });

  it("puts the staff group's updates and the configured admins' first", () => {
    expect(staffFirst(config, text(1, { id: STAFF_GROUP, type: "supergroup" }, 7002))).toBe(true);
    expect(staffFirst(config, text(2, { id: ADMIN, type: "private" }, ADMIN))).toBe(true);
  });

  it("leaves customers, and any other group, in their turn", () => {
    expect(staffFirst(config, text(3, { id: 500, type: "private" }, 500))).toBe(false);
    expect(staffFirst(config, text(4, { id: -100999, type: "supergroup" }, 500))).toBe(false);
  });

  it("puts no chat first when no staff group is configured, only the admins", () => {
    const noGroup = testConfig({ ADMIN_IDS: String(ADMIN) });
    expect(staffFirst(noGroup, text(5, { id: 500, type: "private" }, 500))).toBe(false);
    expect(staffFirst(noGroup, text(6, { id: ADMIN, type: "private" }, ADMIN))).toBe(true);
  });
});
