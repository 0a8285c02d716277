import type { SimulatorLogger, SimulatorSettings } from "./settings.js";
import { WebhookFaults, type WebhookFaultInput, type DeliveryTweaks } from "./webhook-faults.js";
import type { WebhookSigner } from "./webhook-signer.js";

/** Plaid retries a failed webhook after 30 s, each delay four times the previous one, for up to 24 hours. */
const FIRST_RETRY_DELAY_MS = 30_000;
const RETRY_FACTOR = 4;
const RETRY_HORIZON_MS = 24 * 60 * 60 * 1000;
/** Plaid stops retrying for a receiver that rejected more than 90% of its webhooks in the last 24 hours. */
const RECEIVER_FAILURE_RATIO = 0.9;
/** The ratio is judged only once the receiver has this many attempts in the window. */
const RECEIVER_MIN_SAMPLE = 10;

export type DeliveryState = "held" | "scheduled" | "in_flight" | "retrying" | "delivered" | "failed" | "abandoned" | "cancelled";

export interface DeliveryAttempt {
  attempt: number;
  /** The delay planned before this attempt, after applying the time scale (0 for an immediate first attempt). */
  planned_delay_ms: number;
  status: number | null;
  error: string | null;
}

export interface DeliveryRecord {
  id: number;
  url: string;
  webhook_type: string;
  webhook_code: string;
  item_id: string | null;
  state: DeliveryState;
  duplicate_of: number | null;
  faults: string[];
  attempts: DeliveryAttempt[];
}

interface Delivery extends DeliveryRecord {
  body: string;
  tweaks: DeliveryTweaks;
  elapsedUnscaledMs: number;
}

export interface WebhookDispatcherDeps {
  signer: WebhookSigner;
  settings: SimulatorSettings;
  logger: SimulatorLogger;
  /** Called when a webhook's first attempt starts (records the Item's `last_webhook`). */
  onSent(itemId: string, code: string): void;
}

/** Delivers signed webhooks with Plaid's retry rule, and with the faults tests inject. */
export class WebhookDispatcher {
  private readonly deliveries: Delivery[] = [];
  private readonly faults = new WebhookFaults();
  private readonly receiverLog = new Map<string, Array<{ atMs: number; ok: boolean }>>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly deps: WebhookDispatcherDeps) {}

  /** Queues a webhook. The body is serialised once, with Plaid's 2-space indentation. */
  dispatch(url: string, payload: Record<string, unknown>, meta: { item_id: string | null }): void {
    if (this.closed) return;
    const tweaks = this.faults.nextTweaks();
    const original = this.create(url, payload, meta, tweaks, null);
    const batch = [original];
    if (tweaks.duplicate) batch.push(this.create(url, payload, meta, tweaks, original.id));
    for (const delivery of batch) {
      if (tweaks.delayMs !== null) this.later(delivery, tweaks.delayMs, tweaks.delayMs);
      else if (tweaks.hold) this.hold(delivery);
      else this.enqueueFirstAttempt(delivery);
    }
  }

  addFault(input: WebhookFaultInput): void {
    this.faults.add(input);
  }

  /** Clears pending faults and releases anything held for reordering. */
  clearFaults(): void {
    this.faults.clear();
    this.flush();
  }

  /** Releases the webhooks held for reordering, in reverse order. */
  flush(): void {
    for (const delivery of this.faults.releaseHeld()) this.enqueueFirstAttempt(delivery as Delivery);
  }

  list(): DeliveryRecord[] {
    return this.deliveries.map(({ body: _body, tweaks: _tweaks, elapsedUnscaledMs: _elapsed, ...record }) => ({
      ...record,
      attempts: record.attempts.map((a) => ({ ...a })),
    }));
  }

  /** Stops every pending delivery: timers are cleared and requests in flight aborted. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.controllers) controller.abort();
    for (const d of this.deliveries) if (!["delivered", "failed", "abandoned"].includes(d.state)) d.state = "cancelled";
  }

  private create(url: string, payload: Record<string, unknown>, meta: { item_id: string | null }, tweaks: DeliveryTweaks, duplicateOf: number | null): Delivery {
    const delivery: Delivery = {
      id: this.nextId++,
      url,
      webhook_type: String(payload.webhook_type ?? ""),
      webhook_code: String(payload.webhook_code ?? ""),
      item_id: meta.item_id,
      state: "scheduled",
      duplicate_of: duplicateOf,
      faults: tweaks.labels,
      attempts: [],
      body: JSON.stringify(payload, null, 2),
      tweaks,
      elapsedUnscaledMs: 0,
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  private hold(delivery: Delivery): void {
    delivery.state = "held";
    const released = this.faults.holdForReorder(delivery);
    for (const d of released) this.enqueueFirstAttempt(d as Delivery);
  }

  /** First attempts to one receiver go out in dispatch order, one at a time. */
  private enqueueFirstAttempt(delivery: Delivery): void {
    delivery.state = "scheduled";
    const previous = this.chains.get(delivery.url) ?? Promise.resolve();
    const next = previous.then(() => this.attempt(delivery, 0));
    this.chains.set(
      delivery.url,
      next.catch(() => undefined),
    );
  }

  private later(delivery: Delivery, delayMs: number, plannedDelayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(delivery, plannedDelayMs).catch((err: unknown) => this.deps.logger.error({ err: describe(err), url: delivery.url }, "webhook delivery crashed"));
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery, plannedDelayMs: number): Promise<void> {
    if (this.closed) return;
    const attempt: DeliveryAttempt = { attempt: delivery.attempts.length + 1, planned_delay_ms: plannedDelayMs, status: null, error: null };
    delivery.attempts.push(attempt);
    delivery.state = "in_flight";
    if (attempt.attempt === 1 && delivery.item_id && delivery.duplicate_of === null) {
      this.deps.onSent(delivery.item_id, delivery.webhook_code);
    }
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.deps.settings.webhookTimeoutMs);
    try {
      const jwt = await this.deps.signer.sign(delivery.body, delivery.tweaks.signing);
      const sent = delivery.tweaks.tamper ? tamper(delivery.body) : delivery.body;
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Plaid-Verification": jwt },
        body: sent,
        signal: controller.signal,
      });
      attempt.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      attempt.error = controller.signal.aborted ? (this.closed ? "cancelled" : "timeout") : describe(err);
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (this.closed) {
      delivery.state = "cancelled";
      return;
    }
    this.settle(delivery, attempt);
  }

  private settle(delivery: Delivery, attempt: DeliveryAttempt): void {
    const ok = attempt.status === 200;
    this.recordOutcome(delivery.url, ok);
    const logFields = { url: delivery.url, webhook_code: delivery.webhook_code, item_id: delivery.item_id, attempt: attempt.attempt, status: attempt.status, error: attempt.error };
    if (ok) {
      delivery.state = "delivered";
      this.deps.logger.info(logFields, "webhook delivered");
      return;
    }
    this.deps.logger.warn(logFields, "webhook delivery failed");
    const nextUnscaled = FIRST_RETRY_DELAY_MS * RETRY_FACTOR ** (attempt.attempt - 1);
    if (delivery.elapsedUnscaledMs + nextUnscaled > RETRY_HORIZON_MS) {
      delivery.state = "failed";
      return;
    }
    if (this.receiverMostlyFailing(delivery.url)) {
      delivery.state = "abandoned";
      this.deps.logger.warn({ url: delivery.url }, "webhook receiver failing more than 90% of deliveries; not retrying");
      return;
    }
    delivery.elapsedUnscaledMs += nextUnscaled;
    delivery.state = "retrying";
    const scaled = Math.round(nextUnscaled * this.deps.settings.timeScale);
    this.later(delivery, scaled, scaled);
  }

  private windowMs(): number {
    return RETRY_HORIZON_MS * this.deps.settings.timeScale;
  }

  private recordOutcome(url: string, ok: boolean): void {
    const now = Date.now();
    const log = (this.receiverLog.get(url) ?? []).filter((e) => now - e.atMs <= this.windowMs());
    log.push({ atMs: now, ok });
    this.receiverLog.set(url, log);
  }

  private receiverMostlyFailing(url: string): boolean {
    const log = this.receiverLog.get(url) ?? [];
    if (log.length < RECEIVER_MIN_SAMPLE) return false;
    return log.filter((e) => !e.ok).length / log.length > RECEIVER_FAILURE_RATIO;
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  return cause ?? (err instanceof Error ? err.message : String(err));
}

/** A body that no longer matches the signed hash (a field added after signing). */
function tamper(body: string): string {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify({ ...parsed, tampered: true }, null, 2);
}

export type { WebhookFaultInput };
