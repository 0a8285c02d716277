import type { SigningOptions } from "./webhook-signer.js";

export const WEBHOOK_FAULT_MODES = ["duplicate", "reorder", "delay", "stale_iat", "tamper", "expired_key"] as const;
export type WebhookFaultMode = (typeof WEBHOOK_FAULT_MODES)[number];

export interface WebhookFaultInput {
  mode: WebhookFaultMode;
  /** How many of the next webhooks the fault applies to (default 1; for reorder, the size of the reversed batch, default 2). */
  count?: number;
  delay_ms?: number;
  iat_offset_seconds?: number;
}

/** How one webhook is to be delivered, after the active faults have had their say. */
export interface DeliveryTweaks {
  duplicate: boolean;
  hold: boolean;
  delayMs: number | null;
  tamper: boolean;
  signing: SigningOptions;
  labels: string[];
}

/** The webhook faults tests inject: duplicates, reordering, delays, stale `iat`, tampered bodies, expired keys. */
export class WebhookFaults {
  private duplicate = 0;
  private delay: { count: number; ms: number } | null = null;
  private reorder: { size: number; remaining: number } | null = null;
  private stale: { count: number; offsetSeconds: number } | null = null;
  private tamperCount = 0;
  private expiredKey = 0;
  private held: unknown[] = [];

  add(input: WebhookFaultInput): void {
    const count = input.count ?? (input.mode === "reorder" ? 2 : 1);
    switch (input.mode) {
      case "duplicate":
        this.duplicate += count;
        break;
      case "delay":
        this.delay = { count, ms: input.delay_ms ?? 1000 };
        break;
      case "reorder":
        this.reorder = { size: count, remaining: count };
        break;
      case "stale_iat":
        this.stale = { count, offsetSeconds: input.iat_offset_seconds ?? -600 };
        break;
      case "tamper":
        this.tamperCount += count;
        break;
      case "expired_key":
        this.expiredKey += count;
        break;
    }
  }

  clear(): void {
    this.duplicate = 0;
    this.delay = null;
    this.reorder = null;
    this.stale = null;
    this.tamperCount = 0;
    this.expiredKey = 0;
  }

  /** Consumes one use of each active fault for the next webhook. */
  nextTweaks(): DeliveryTweaks {
    const tweaks: DeliveryTweaks = { duplicate: false, hold: false, delayMs: null, tamper: false, signing: {}, labels: [] };
    if (this.duplicate > 0) {
      this.duplicate--;
      tweaks.duplicate = true;
      tweaks.labels.push("duplicate");
    }
    if (this.delay && this.delay.count > 0) {
      tweaks.delayMs = this.delay.ms;
      tweaks.labels.push("delay");
      if (--this.delay.count === 0) this.delay = null;
    } else if (this.reorder && this.reorder.remaining > 0) {
      tweaks.hold = true;
      tweaks.labels.push("reorder");
      this.reorder.remaining--;
    }
    if (this.stale && this.stale.count > 0) {
      tweaks.signing.iatOffsetSeconds = this.stale.offsetSeconds;
      tweaks.labels.push("stale_iat");
      if (--this.stale.count === 0) this.stale = null;
    }
    if (this.tamperCount > 0) {
      this.tamperCount--;
      tweaks.tamper = true;
      tweaks.labels.push("tamper");
    }
    if (this.expiredKey > 0) {
      this.expiredKey--;
      tweaks.signing.useExpiredKey = true;
      tweaks.labels.push("expired_key");
    }
    return tweaks;
  }

  /** Holds a delivery; once the reorder batch is complete, returns the batch in reverse order. */
  holdForReorder<T>(delivery: T): T[] {
    if (!this.reorder) return [delivery];
    this.held.push(delivery);
    if (this.reorder && this.reorder.remaining === 0 && this.held.length >= this.reorder.size) {
      this.reorder = null;
      return this.releaseHeld() as T[];
    }
    return [];
  }

  /** Everything held, newest first. */
  releaseHeld(): unknown[] {
    const released = this.held.reverse();
    this.held = [];
    return released;
  }
}
