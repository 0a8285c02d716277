import type { ConnectJob, ConnectResult, KeyFrames } from "../agents/subscribers.js";
import type { Gateway } from "./gateway.js";
import type { Agent } from "./rpc.js";
import { percentiles, sleep, wallNow, waitFor, type Percentiles } from "./util.js";
import { pendingExpirationBody, sendWebhook, type WebhookSend, type WebhookSigner } from "./webhooks.js";

export const SUBSCRIPTION = "subscription { itemStatusChanged { cursor itemId status cause occurredAt } }";

/** Opens `count` subscriptions in the subscribers process; throws unless every one was acknowledged. */
export async function connectSubscribers(
  agent: Agent,
  job: Omit<ConnectJob, "query" | "concurrency" | "timeoutMs"> & Partial<Pick<ConnectJob, "concurrency" | "timeoutMs">>,
): Promise<ConnectResult> {
  const result = await agent.call<ConnectResult>("connect", { query: SUBSCRIPTION, concurrency: 256, timeoutMs: 180_000, ...job } satisfies ConnectJob, 600_000);
  if (result.acked !== job.count) throw new Error(`only ${result.acked} of ${job.count} subscriptions were acknowledged (${JSON.stringify(result.failures)})`);
  return result;
}

/** Waits until the gateway counts this many live subscriptions (graphql_active_subscriptions). */
export async function waitSubscribed(gateway: Gateway, expected: number, timeoutMs = 300_000): Promise<void> {
  await waitFor(`${expected} live subscriptions on ${gateway.name}`, async () => (await gateway.metric("graphql_active_subscriptions")) >= expected, timeoutMs, 250);
}

export interface EventPlan {
  itemIds: string[];
  count: number;
  intervalMs: number;
}

export interface FiredEvents {
  events: Array<WebhookSend & { itemId: string }>;
  probes: WebhookSend[];
}

/**
 * Sends `count` signed webhooks (one every intervalMs, each a new event for one of the Items) and,
 * meanwhile, probe webhooks for other Items at probeRate, to time acknowledgements during the fan-out.
 */
export async function fireEvents(origin: string, signer: WebhookSigner, plan: EventPlan, probe: { itemIds: string[]; rate: number } | null): Promise<FiredEvents> {
  const eventRequests = await Promise.all(Array.from({ length: plan.count }, (_, k) => signer.request(pendingExpirationBody(plan.itemIds[k % plan.itemIds.length]!))));
  const probeCount = probe ? Math.floor(((plan.count * plan.intervalMs) / 1000) * probe.rate) : 0;
  const probeRequests = await Promise.all(Array.from({ length: probeCount }, (_, k) => signer.request(pendingExpirationBody(probe!.itemIds[k % probe!.itemIds.length]!))));
  const start = wallNow() + 50;
  const at = (time: number) => sleep(Math.max(0, time - wallNow()));
  const events = Promise.all(
    eventRequests.map(async (request, k) => {
      await at(start + k * plan.intervalMs);
      return { ...(await sendWebhook(origin, request)), itemId: plan.itemIds[k % plan.itemIds.length]! };
    }),
  );
  const probes = Promise.all(
    probeRequests.map(async (request, k) => {
      await at(start + 25 + (k * 1000) / probe!.rate);
      return sendWebhook(origin, request);
    }),
  );
  return { events: await events, probes: await probes };
}

/** Waits until the group received `expected` frames, or nothing new arrived for quietMs; answers what arrived. */
export async function collectFrames(agent: Agent, group: string, expected: number, quietMs: number): Promise<Record<string, KeyFrames>> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { frameCount } = await agent.call<{ frameCount: number }>("frameCount", { group });
    if (frameCount >= expected) break;
    if (frameCount !== last) {
      last = frameCount;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > quietMs) break;
    await sleep(100);
  }
  return (await agent.call<{ frames: Record<string, KeyFrames> }>("frames", { group, reset: true })).frames;
}

export interface Delivery {
  expected: number;
  received: number;
  /** Share of expected frames received, in percent. */
  deliveredPercent: number;
  /** From the webhook's send time to each frame's arrival. */
  latencyMs: Percentiles;
  /** From the event's occurredAt (stamped by the gateway when it took the webhook in) to each arrival. */
  fromOccurredAtMs: Percentiles | null;
  /** Frames that matched no event sent. */
  unmatched: number;
}

/** Cursor of the gateway's event log → sequence number. */
const sequenceOf = (cursor: string): number => Number(Buffer.from(cursor, "base64url").toString("utf8").split(":")[1] ?? Number.NaN);

/**
 * Matches frames to the webhooks that caused them: an event's occurredAt falls between its webhook's
 * send and acknowledgement (1 ms of rounding allowed); events are otherwise taken in log order.
 */
export function deliveries(
  frames: Record<string, KeyFrames>,
  sent: Array<{ sentAt: number; ackMs: number; itemId?: string }>,
  perEvent: number,
  byCursor?: (cursor: string) => number,
): Delivery {
  const latencies: number[] = [];
  const fromOccurred: number[] = [];
  let unmatched = 0;
  const used = new Set<number>();
  const ordered = Object.entries(frames).sort(([a], [b]) => (byCursor ?? sequenceOf)(a) - (byCursor ?? sequenceOf)(b));
  ordered.forEach(([cursor, frame], position) => {
    let index = byCursor ? byCursor(cursor) : -1;
    if (index < 0 && frame.occurredAt !== null) {
      index = sent.findIndex((s, i) => !used.has(i) && s.itemId === frame.itemId && frame.occurredAt! >= s.sentAt - 1 && frame.occurredAt! <= s.sentAt + s.ackMs + 1);
    }
    if (index < 0 && position < sent.length && !used.has(position)) index = position;
    if (index < 0 || index >= sent.length) {
      unmatched += frame.arrivals.length;
      return;
    }
    used.add(index);
    for (const arrival of frame.arrivals) {
      latencies.push(arrival - sent[index]!.sentAt);
      if (frame.occurredAt !== null && !byCursor) fromOccurred.push(arrival - frame.occurredAt);
    }
  });
  const expected = sent.length * perEvent;
  return {
    expected,
    received: latencies.length,
    deliveredPercent: expected ? (latencies.length / expected) * 100 : 100,
    latencyMs: percentiles(latencies),
    fromOccurredAtMs: fromOccurred.length ? percentiles(fromOccurred) : null,
    unmatched,
  };
}

export function ackSummary(sends: WebhookSend[]): { count: number; failed: number; over200: number; ackMs: Percentiles } {
  return {
    count: sends.length,
    failed: sends.filter((s) => s.status !== 200).length,
    over200: sends.filter((s) => s.ackMs > 200).length,
    ackMs: percentiles(sends.map((s) => s.ackMs)),
  };
}
