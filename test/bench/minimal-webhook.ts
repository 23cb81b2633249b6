// The smallest webhook that does what ours does per update, for the scale-out
// bench to measure against: node:http and pg, no framework, no ORM. Each
// update is stored (answered 200 once committed), then its chat's state is
// read and written back with the update marked processed in one statement,
// one chat at a time. Run as its own process: DATABASE_URL, PORT.
//
// With TELEGRAM_API_ROOT it also answers each update as a bot must: once the
// update is processed, one sendMessage to its chat through Telegraf's Bot API
// client (the one our bot sends with), so the reference carries the floor of
// what replying costs and nothing else of ours (no outbox, no pace).
import { createServer } from "node:http";
import pg from "pg";
import { Telegram } from "telegraf";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(`
  CREATE TABLE IF NOT EXISTS ref_inbound (
    update_id bigint PRIMARY KEY, chat_id bigint NOT NULL, payload jsonb,
    received_at timestamptz NOT NULL DEFAULT now(), processed_at timestamptz);
  CREATE TABLE IF NOT EXISTS ref_chat (
    chat_id bigint PRIMARY KEY, state jsonb NOT NULL, version int NOT NULL)`);

const apiRoot = process.env.TELEGRAM_API_ROOT;
const telegram = apiRoot === undefined ? undefined : new Telegram("1:minimal", { apiRoot });

/** Each chat's updates are handled one after another, as ours are. */
const chains = new Map<string, Promise<void>>();

async function handle(updateId: string, chatId: string): Promise<void> {
  const read = await pool.query<{ state: { n: number }; version: number }>(
    "SELECT state, version FROM ref_chat WHERE chat_id = $1",
    [chatId],
  );
  const n = (read.rows[0]?.state.n ?? 0) + 1;
  await pool.query(
    `WITH chat AS (
       INSERT INTO ref_chat (chat_id, state, version) VALUES ($1, $2, 1)
       ON CONFLICT (chat_id) DO UPDATE SET state = EXCLUDED.state, version = ref_chat.version + 1)
     UPDATE ref_inbound SET processed_at = now(), payload = NULL WHERE update_id = $3`,
    [chatId, { n }, updateId],
  );
  await telegram?.sendMessage(chatId, String(n));
}

interface Update {
  update_id: number;
  message?: { chat: { id: number } };
  callback_query?: { message?: { chat: { id: number } } };
}

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on("data", (c: Buffer) => parts.push(c));
  req.on("end", async () => {
    try {
      const update = JSON.parse(Buffer.concat(parts).toString("utf8")) as Update;
      const updateId = String(update.update_id);
      const chatId = String((update.message ?? update.callback_query?.message)?.chat.id ?? 0);
      await pool.query(
        "INSERT INTO ref_inbound (update_id, chat_id, payload) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        [updateId, chatId, update],
      );
      res.writeHead(200).end();
      const go = () => handle(updateId, chatId);
      const next = (chains.get(chatId) ?? Promise.resolve()).then(go, go);
      chains.set(chatId, next);
      await next;
      if (chains.get(chatId) === next) chains.delete(chatId);
    } catch (err) {
      if (!res.headersSent) res.writeHead(503).end();
      process.stderr.write(`${String(err)}\n`);
    }
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("listening\n"));
process.on("SIGTERM", () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
