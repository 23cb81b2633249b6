import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of PostgreSQL that the test controls: `cut()` drops every
 * connection and refuses new ones, as a database restart looks to the program;
 * `restore()` lets connections through again. The shared server itself is
 * never touched.
 */
export interface DbProxy {
  readonly port: number;
  cut(): void;
  restore(): void;
  /**
   * Cuts as `cut()` does once PostgreSQL answers the first statement that
   * contains `marker`, its answer withheld: outside a transaction the
   * statement has committed, and the program never hears so. Resolves at the cut.
   * A prepared statement run again is known by its name (its text is not sent again).
   */
  cutAfterStatement(marker: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDbProxy(target: { host: string; port: number }): Promise<DbProxy> {
  const open = new Set<Socket>();
  let down = false;
  let armed: { marker: Buffer; names: Buffer[]; fire(): void } | undefined;
  /** prepared statements' texts by name, from every connection's Parse messages */
  const prepared = new Map<string, string>();
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection(target);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    // By hand rather than piped, to see which connection sent the marked statement.
    let sentMarked = false;
    forward(client, upstream, (chunk) => {
      for (const [name, text] of parsedStatements(chunk)) prepared.set(name, text);
      if (armed?.marker !== undefined && chunk.includes(armed.marker)) sentMarked = true;
      if (armed?.names.some((name) => chunk.includes(name))) sentMarked = true;
      return true;
    });
    forward(upstream, client, () => {
      if (!sentMarked || armed === undefined) return true;
      const { fire } = armed;
      armed = undefined;
      cut();
      fire();
      return false;
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const cut = () => {
    down = true;
    for (const s of open) s.destroy();
    open.clear();
  };
  return {
    port: address.port,
    cut,
    restore() {
      down = false;
    },
    cutAfterStatement(marker) {
      return new Promise((fire) => {
        const names = [...prepared]
          .filter(([, text]) => text.includes(marker))
          .map(([name]) => Buffer.from(`\0${name}\0`));
        armed = { marker: Buffer.from(marker), names, fire };
      });
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Copies `from` to `to` with backpressure; a chunk `pass` refuses is dropped. */
function forward(from: Socket, to: Socket, pass: (chunk: Buffer) => boolean): void {
  from.on("data", (chunk: Buffer) => {
    if (!pass(chunk) || to.destroyed) return;
    if (!to.write(chunk)) {
      from.pause();
      to.once("drain", () => from.resume());
    }
  });
}

/** The named statements a chunk of the client's messages prepares (Parse: name, then text). */
function parsedStatements(chunk: Buffer): [string, string][] {
  const found: [string, string][] = [];
  let at = 0;
  while (at + 5 <= chunk.length) {
    const length = chunk.readInt32BE(at + 1);
    // Not a typed message (the startup packet) or cut short: nothing more to read here.
    if (length < 4 || at + 1 + length > chunk.length) break;
    if (chunk[at] === 0x50) {
      const nameEnd = chunk.indexOf(0, at + 5);
      const name = chunk.toString("utf8", at + 5, nameEnd);
      const text = chunk.toString("utf8", nameEnd + 1, chunk.indexOf(0, nameEnd + 1));
      if (name !== "") found.push([name, text]);
    }
    at += 1 + length;
  }
  return found;
}
