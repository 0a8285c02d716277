import { BlockList, isIP } from "node:net";
import type { PlaidEnv } from "./config-sections.js";
import { ConfigError, readInt, readSwitch, type EnvReader } from "./config-values.js";

/** The background confirmation of every live Item with Plaid, and the repair of webhook URLs. */
export interface ReconcileConfig {
  /** ITEM_RECONCILE_INTERVAL_SECONDS: every live Item is confirmed with /item/get at least this often. */
  intervalSeconds: number;
  /** ITEM_RECONCILE_MAX_SHARE: the share of Plaid's per-client /item/get limit the sweep may use. */
  maxShare: number;
  /** WEBHOOK_URL_REPAIR: whether Items whose webhook at Plaid is not this gateway's are pointed back at it. */
  webhookRepair: boolean;
  /**
   * Whether Plaid can reach this gateway's webhook URL: always with the simulator; with Plaid's sandbox
   * and production only at a PUBLIC_URL that is not this machine's (loopback). When it cannot, Items
   * are linked without a webhook and never pointed at such a URL.
   */
  webhooksReachable: boolean;
}

/** The shortest interval: tests and demos; Plaid's per-Item limits leave room for one /item/get every few seconds. */
const MIN_INTERVAL_SECONDS = 10;
/** The longest: thirty days. */
const MAX_INTERVAL_SECONDS = 30 * 86_400;

export function readReconcile(read: EnvReader, plaidEnv: PlaidEnv, publicUrl: string | undefined): ReconcileConfig {
  const intervalSeconds = readInt(read, "ITEM_RECONCILE_INTERVAL_SECONDS", 86_400, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS);
  const maxShare = readShare(read, "ITEM_RECONCILE_MAX_SHARE", 0.5);
  const webhookRepair = readSwitch(read, "WEBHOOK_URL_REPAIR", true);
  const webhooksReachable = plaidEnv === "simulator" || (publicUrl !== undefined && !isLoopbackUrl(publicUrl));
  return { intervalSeconds, maxShare, webhookRepair, webhooksReachable };
}

/** A decimal share above 0 and at most 1 (e.g. 0.5). */
function readShare(read: EnvReader, name: string, fallback: number): number {
  const text = read(name);
  if (text === undefined) return fallback;
  if (!/^\d*\.?\d+$/.test(text)) throw new ConfigError(name, `must be a decimal number above 0 and at most 1, e.g. 0.5 (got "${text.slice(0, 20)}")`);
  const value = Number(text);
  if (!(value > 0 && value <= 1)) throw new ConfigError(name, `must be above 0 and at most 1 (got ${value})`);
  return value;
}

/** Addresses of this machine (127.0.0.0/8, ::1, IPv4-mapped ones included) and the unspecified ones (0.0.0.0, ::). */
const LOCAL_ADDRESSES = new BlockList();
LOCAL_ADDRESSES.addSubnet("127.0.0.0", 8, "ipv4");
LOCAL_ADDRESSES.addAddress("0.0.0.0", "ipv4");
LOCAL_ADDRESSES.addAddress("::1", "ipv6");
LOCAL_ADDRESSES.addAddress("::", "ipv6");

/** A URL whose host is this machine (localhost, a loopback or unspecified address): Plaid cannot reach it. */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const family = isIP(host);
  return family !== 0 && LOCAL_ADDRESSES.check(host, family === 6 ? "ipv6" : "ipv4");
}
