import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logging/logger.ts";
import { scrubString } from "../logging/redact.ts";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

export type HealthCheck = () => Promise<void>;

/**
 * A check whose success is remembered for `ttlMs`: /healthz may be polled
 * every few seconds, and Telegram should not get a getMe for each.
 */
export function cachedCheck(check: HealthCheck, ttlMs: number): HealthCheck {
  let okUntil = 0;
  return async () => {
    if (Date.now() < okUntil) return;
    await check();
    okUntil = Date.now() + ttlMs;
  };
}

/** Runs each named check with a time limit and reports them together. */
export async function checkHealth(
  checks: Record<string, HealthCheck>,
  timeoutMs = 3000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const t = performance.now();
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error("timed out")), timeoutMs).unref(),
          ),
        ]);
        return [name, { ok: true, ms: Math.round(performance.now() - t) }] as const;
      } catch (e) {
        // A library's message may hold a URL with the bot's token in it.
        const error = scrubString(e instanceof Error ? e.message : String(e));
        return [name, { ok: false, ms: Math.round(performance.now() - t), error }] as const;
      }
    }),
  );
  return { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
}

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** POST handlers by path (the webhook) */
  routes: Map<string, RequestHandler>;
  health: Record<string, HealthCheck>;
  /** GET /metrics: the Prometheus exposition (absent: 404) */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

/** The request's path; undefined when its target is not a URL. */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? "/", "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

/** The HTTP side: the webhook (when configured), GET /healthz and GET /metrics. */
export async function startHttpServer(o: HttpServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = pathOf(req.url);
    if (path === undefined) {
      // Anyone can send a request line URL cannot read (GET http://a:b/): not ours.
      res.writeHead(400, { connection: "close" }).end();
      return;
    }
    if (req.method === "GET" && path === "/healthz") {
      void checkHealth(o.health).then((report) => {
        res.writeHead(report.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(report));
      });
      return;
    }
    const metrics = o.metrics;
    if (req.method === "GET" && path === "/metrics" && metrics !== undefined) {
      metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { "content-type": contentType });
          res.end(body);
        },
        (err: unknown) => {
          o.logger.error({ err }, "metrics scrape failed");
          res.writeHead(500).end();
        },
      );
      return;
    }
    const route = req.method === "POST" ? o.routes.get(path) : undefined;
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(route(req, res)).catch((err: unknown) => {
      // Telegram retries a failed webhook request: nothing is lost.
      o.logger.error({ err, path }, "webhook request failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) =>
      reject(new Error(`cannot listen on HTTP_HOST:HTTP_PORT ${o.host}:${o.port}: ${err.message}`));
    server.once("error", failed);
    server.listen(o.port, o.host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  return server;
}
