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
  /**
   * The server vanishes and nothing tells the program (a host restarted behind
   * a network fault): every connection, open or new, stays open and is never
   * answered. `restore()` lets new connections through; the silenced ones stay
   * silent, as connections to a server that forgot them do.
   */
  silence(): void;
  restore(): void;
  /**
   * Cuts as `cut()` does once PostgreSQL first answers on the connection that
   * sent a statement containing `marker`, that answer withheld. PostgreSQL
   * sends its answers to a statement together once it has run (a notice
   * aside), so outside a transaction the statement has committed, and the
   * program never hears so. Resolves at the cut. A prepared statement run
   * again is known by its name (its text is not sent again).
   */
  cutAfterStatement(marker: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDbProxy(target: { host: string; port: number }): Promise<DbProxy> {
  const open = new Set<Socket>();
  /** the program's ends of the open connections */
  const clients = new Set<Socket>();
  /** the program's ends of the connections that will never be answered */
  const silent = new Set<Socket>();
  let mode: "up" | "down" | "silent" = "up";
  const mute = (client: Socket) => {
    silent.add(client);
    client.removeAllListeners("data");
    client.on("data", () => {}).on("error", () => {});
    client.resume();
  };
  let armed: { marker: string; fire(): void } | undefined;
  /** prepared statements' texts by name, from every connection's Parse messages */
  const prepared = new Map<string, string>();
  const runsMarked = (message: ClientMessage, marker: string): boolean =>
    message.kind === "bind"
      ? (prepared.get(message.statement)?.includes(marker) ?? false)
      : message.text.includes(marker);
  const server: Server = createServer((client) => {
    if (mode === "down") {
      client.destroy();
      return;
    }
    if (mode === "silent") {
      mute(client);
      return;
    }
    const upstream = createConnection(target);
    open.add(client);
    open.add(upstream);
    clients.add(client);
    const drop = () => {
      if (silent.has(client)) return;
      clients.delete(client);
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    // By hand rather than piped, to see which connection sent the marked statement.
    let sentMarked = false;
    const read = clientMessages();
    forward(client, upstream, (chunk) => {
      for (const message of read(chunk)) {
        if (message.kind === "parse" && message.name !== "")
          prepared.set(message.name, message.text);
        if (armed !== undefined && runsMarked(message, armed.marker)) sentMarked = true;
      }
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
    mode = "down";
    for (const s of open) s.destroy();
    open.clear();
    clients.clear();
  };
  return {
    port: address.port,
    cut,
    silence() {
      mode = "silent";
      // The program's ends are kept (muted) and the server's closed, so it forgets them.
      for (const c of clients) mute(c);
      for (const s of open) if (!silent.has(s)) s.destroy();
      open.clear();
      clients.clear();
    },
    restore() {
      mode = "up";
    },
    cutAfterStatement(marker) {
      return new Promise((fire) => {
        armed = { marker, fire };
      });
    },
    async close() {
      cut();
      for (const s of silent) s.destroy();
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

/** The client's messages that carry or name a statement. */
type ClientMessage =
  | { kind: "query"; text: string }
  | { kind: "parse"; name: string; text: string }
  | { kind: "bind"; statement: string };

/**
 * Reads one connection's client messages across TCP chunks: a message may be
 * split between chunks, and a chunk may hold several. The first messages (the
 * startup, and the requests for encryption before it) carry no type byte. What
 * it cannot read (a length out of bounds; TLS, once encryption was accepted) it
 * stops reading: the bytes still pass, only unseen.
 */
export function clientMessages(): (chunk: Buffer) => ClientMessage[] {
  let pending: Buffer = Buffer.alloc(0);
  let started = false;
  let readable = true;
  /** cancel, SSL and GSSAPI encryption requests: the startup is still to come */
  const BEFORE_STARTUP = new Set([80877102, 80877103, 80877104]);
  return (chunk) => {
    if (!readable) return [];
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const found: ClientMessage[] = [];
    for (;;) {
      const typed = started ? 1 : 0;
      if (pending.length < typed + 4) break;
      const size = typed + pending.readInt32BE(typed);
      if (size < typed + (started ? 4 : 8) || (!started && size > 10_000)) {
        readable = false;
        pending = Buffer.alloc(0);
        break;
      }
      if (pending.length < size) break;
      const message = pending.subarray(0, size);
      pending = pending.subarray(size);
      if (!started) {
        started = !BEFORE_STARTUP.has(message.readInt32BE(4));
        continue;
      }
      const read = stringsOf(message.subarray(5));
      if (message[0] === 0x51) found.push({ kind: "query", text: read(0) });
      if (message[0] === 0x50) found.push({ kind: "parse", name: read(0), text: read(1) });
      if (message[0] === 0x42) found.push({ kind: "bind", statement: read(1) });
    }
    return found;
  };
}

/** The i-th NUL-terminated string of a message's body. */
function stringsOf(body: Buffer): (i: number) => string {
  return (i) => {
    let from = 0;
    for (let k = 0; k < i; k++) from = body.indexOf(0, from) + 1;
    return body.toString("utf8", from, body.indexOf(0, from));
  };
}
