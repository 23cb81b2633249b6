/**
 * The step API the conversation service calls for each update:
 *
 *   start(input, now)          → the first replies and the snapshot to store
 *   step(persisted, event)     → restore, send, persist: replies, outcome, new snapshot
 *
 * Everything is in memory and synchronous. A snapshot that cannot be restored
 * (another machine version, garbage) gives `{ kind: "incompatible" }`, never a throw.
 */
import { createActor, type Snapshot } from "xstate";
import { z } from "zod";
import { isTimeZone } from "./dates.ts";
import { type RefundEvent, RefundEventSchema } from "./events.ts";
import { type Outcome, type Place, type RefundContext, where } from "./flow.ts";
import { grammar } from "./grammar.ts";
import { QUESTION_IDS } from "./ids.ts";
import { type Emitted, type RefundInput, refundMachine } from "./machine.ts";
import type { Reply } from "./replies.ts";

/** What the machine says to a button of an earlier question. */
const STALE_REPLY = "error.stale_button";

export const REFUND_MACHINE_ID = "refund";
/**
 * Bump on any change that makes older snapshots mean something else (2: the
 * place is derived, not stored; 3: the evidence question before the summary).
 */
export const REFUND_MACHINE_VERSION = 3;

/** What the service stores per chat (JSON). */
export interface PersistedConversation {
  machine: typeof REFUND_MACHINE_ID;
  version: number;
  /** `actor.getPersistedSnapshot()` of the refund machine. */
  snapshot: unknown;
}

export type StepResult =
  | {
      kind: "ok";
      persisted: PersistedConversation;
      /** Send these, in order. */
      replies: Reply[];
      /** A decision to record, at most one per step (not_eligible comes while the chat goes on). */
      outcome: Outcome | null;
      /** The conversation is over: drop the snapshot. */
      done: boolean;
      /** The event was a button of an earlier question, refused: nothing was answered. */
      stale: boolean;
    }
  /** The snapshot is from another version or unreadable: call `start(input, now, { apologise: true })`. */
  | { kind: "incompatible"; reason: string }
  /** The snapshot is of a finished conversation. */
  | { kind: "ended" };

const question = z.enum(QUESTION_IDS);
const contextSchema = z.strictObject({
  lang: z.string().refine((l) => grammar().languages.includes(l)),
  timeZone: z.string().max(64).refine(isTimeZone),
  unrefundable: z.array(z.string().max(32)).max(32),
  now: z.number().int().min(0),
  answers: z.partialRecord(question, z.string().max(1000)),
  trail: z.array(question).max(QUESTION_IDS.length),
  focus: question.nullable(),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

const STABLE_VALUES = new Set<string>([
  "summary",
  "refused",
  ...QUESTION_IDS.map((q) => `ask.${q}`),
]);

const persistedSchema = z.object({
  machine: z.literal(REFUND_MACHINE_ID),
  version: z.literal(REFUND_MACHINE_VERSION),
  snapshot: z.looseObject({
    status: z.enum(["active", "done"]),
    value: z.union([z.string(), z.record(z.string(), z.string())]),
    context: contextSchema,
  }),
});

function valueKey(value: string | Record<string, string>): string {
  if (typeof value === "string") return value;
  const [k, v] = Object.entries(value)[0] ?? ["", ""];
  return `${k}.${v}`;
}

type Actor = ReturnType<typeof createActor<typeof refundMachine>>;

function run(actor: Actor, send: ((a: Actor) => void) | null): StepResult {
  const replies: Reply[] = [];
  let outcome: Outcome | null = null;
  let failure: unknown = null;
  actor.on("*", (e: Emitted) => {
    if (e.type === "reply") replies.push(e.reply);
    else outcome = e.outcome;
  });
  actor.subscribe({ error: (err) => (failure = err) });
  actor.start();
  if (send !== null) send(actor);
  const snap = actor.getSnapshot();
  if (failure !== null || snap.status === "error") {
    actor.stop();
    return { kind: "incompatible", reason: `machine error: ${String(failure ?? snap.error)}` };
  }
  const persisted: PersistedConversation = {
    machine: REFUND_MACHINE_ID,
    version: REFUND_MACHINE_VERSION,
    snapshot: actor.getPersistedSnapshot(),
  };
  actor.stop();
  return {
    kind: "ok",
    persisted,
    replies,
    outcome,
    done: snap.status === "done",
    stale: replies.some((r) => r.key === STALE_REPLY),
  };
}

/** Starts a conversation. With `apologise`, the first reply says the earlier conversation could not be resumed. */
export function start(
  input: RefundInput,
  now: number,
  opts: { apologise?: boolean } = {},
): StepResult {
  const actor = createActor(refundMachine, { input: { ...input, now } });
  const r = run(actor, null);
  if (r.kind === "ok" && opts.apologise === true) r.replies.unshift({ key: "restart.apology" });
  return r;
}

/** Why `persisted` cannot be restored, or null when it can. */
export function incompatibility(persisted: unknown): string | null {
  const p = persistedSchema.safeParse(persisted);
  if (!p.success) return `not a refund snapshot of version ${REFUND_MACHINE_VERSION}`;
  const s = p.data.snapshot;
  if (s.status === "active") {
    const v = valueKey(s.value);
    if (!STABLE_VALUES.has(v)) return `unknown state ${v}`;
    const at = where(s.context);
    const expected = at === "summary" || at === "refused" ? at : `ask.${at}`;
    if (v !== expected) return `state ${v} does not match ${expected}`;
  }
  return null;
}

/** Snapshots of the versions before this one, as far as upgrading them needs (built once: a zod schema compiles on first use). */
const version1 = z.looseObject({
  machine: z.literal(REFUND_MACHINE_ID),
  version: z.literal(1),
  snapshot: z.looseObject({ context: z.looseObject({ at: z.string() }) }),
});
const version2 = z.looseObject({
  machine: z.literal(REFUND_MACHINE_ID),
  version: z.literal(2),
  snapshot: z.looseObject({
    value: z.unknown(),
    context: z.looseObject({
      answers: z.record(z.string(), z.string()),
      trail: z.array(z.string()),
    }),
  }),
});

/**
 * Older snapshots, brought to this version so that a conversation under way at
 * an upgrade goes on where it was. Version 1 also stored its place (`at`).
 * Version 2 had no evidence question: one already at the summary has shown
 * nothing (asking now would leave the summary it is looking at).
 */
function upgraded(persisted: unknown): unknown {
  // The current version, nearly always: the older schemas' failing parses cost more than the step.
  if ((persisted as { version?: unknown } | null)?.version === REFUND_MACHINE_VERSION)
    return persisted;
  const v1 = version1.safeParse(persisted);
  let p = persisted;
  if (v1.success) {
    const { at: _place, ...context } = v1.data.snapshot.context;
    p = { ...v1.data, version: 2, snapshot: { ...v1.data.snapshot, context } };
  }
  const v2 = version2.safeParse(p);
  if (!v2.success) return p;
  const { snapshot } = v2.data;
  const atSummary = snapshot.value === "summary" && snapshot.context.answers.evidence === undefined;
  const context = atSummary
    ? {
        ...snapshot.context,
        answers: { ...snapshot.context.answers, evidence: "0" },
        trail: [...snapshot.context.trail, "evidence"],
      }
    : snapshot.context;
  return { ...v2.data, version: REFUND_MACHINE_VERSION, snapshot: { ...snapshot, context } };
}

/** Restores the conversation, sends `event`, persists it again. */
export function step(stored: unknown, event: RefundEvent): StepResult {
  const persisted = upgraded(stored);
  const why = incompatibility(persisted);
  if (why !== null) return { kind: "incompatible", reason: why };
  const p = persisted as PersistedConversation;
  if ((p.snapshot as { status: string }).status === "done") return { kind: "ended" };
  const ev = RefundEventSchema.safeParse(event);
  try {
    const ctx = (p.snapshot as { context: RefundContext }).context;
    const actor = createActor(refundMachine, {
      snapshot: p.snapshot as Snapshot<unknown>,
      // Ignored when restoring; required by the machine's types.
      input: {
        lang: ctx.lang,
        timeZone: ctx.timeZone,
        unrefundableMethods: ctx.unrefundable,
        now: ctx.now,
      },
    });
    if (!ev.success) {
      // Untrusted or malformed input: nothing changes; say so.
      const r = run(actor, null);
      return r.kind === "ok"
        ? { ...r, replies: [...r.replies, { key: STALE_REPLY }], stale: true }
        : r;
    }
    return run(actor, (a) => a.send(ev.data));
  } catch (err) {
    return { kind: "incompatible", reason: `restore failed: ${String(err)}` };
  }
}

/** Where a stored conversation is; null when it is over or cannot be restored. */
export function placeOf(stored: unknown): Place | null {
  const p = persistedSchema.safeParse(upgraded(stored));
  if (!p.success || p.data.snapshot.status !== "active") return null;
  return incompatibility(p.data) === null ? where(p.data.snapshot.context) : null;
}
