/** What the access token rotation suites share: the sealed tokens the store holds, and a store held at the moment Plaid answers. */
import { randomBytes } from "node:crypto";
import { decodeKey } from "../../src/config.js";
import type { Store } from "../../src/datasources/store/store.js";
import { TokenCipher } from "../../src/datasources/store/token-cipher.js";
import type { SimulatorExchange } from "../../src/simulator/index.js";
import type { TestGateway } from "./gateway-harness.js";

/** A token encryption key for a test gateway (TOKEN_ENCRYPTION_KEY), and the cipher that opens what it seals. */
export function tokenKey(): { key: string; cipher: TokenCipher } {
  const key = randomBytes(32).toString("hex");
  return { key, cipher: new TokenCipher([decodeKey(key)!]) };
}

/** The access token the store holds for an Item, opened with the gateway's key (null once removed). */
export async function storedAccessToken(store: Store, cipher: TokenCipher, itemId: string): Promise<string | null> {
  const stored = await store.items.findById(itemId);
  return stored?.accessToken ? cipher.open(stored.accessToken, itemId) : null;
}

/** The new access tokens the simulator answered /item/access_token/invalidate with, for one Item, oldest first. */
export function issuedAccessTokens(harness: TestGateway, itemId: string): string[] {
  return harness.exchanges
    .filter((exchange) => exchange.path === "/item/access_token/invalidate" && exchange.status === 200 && exchange.itemId === itemId)
    .map((exchange) => (exchange.response as { new_access_token: string }).new_access_token);
}

/**
 * Runs `action` once, the moment the simulator has answered a call to `path` for the Item (the answer is
 * on its way, and the gateway has not read it yet: both run in this process).
 */
export function whenSimulatorAnswers(harness: TestGateway, path: string, itemId: string, action: () => void): void {
  const exchanges = harness.exchanges;
  const push = exchanges.push;
  exchanges.push = (...added: SimulatorExchange[]) => {
    if (added.some((exchange) => exchange.path === path && exchange.status === 200 && exchange.itemId === itemId)) {
      exchanges.push = push;
      action();
    }
    return push.apply(exchanges, added);
  };
}

/** How long a hold lasts at most, should a test fail before releasing it. */
const HOLD_LIMIT_MS = 20_000;

/**
 * Holds a PGlite store in a transaction until released: PGlite runs one operation at a time, so every
 * other operation waits for its turn and gives up at the store's deadline. Queued at once, when called.
 */
export function holdStore(store: Store): { release: () => Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
    setTimeout(resolve, HOLD_LIMIT_MS).unref();
  });
  const finished = store.db.transaction(async (tx) => {
    await tx.query("SELECT 1");
    await released;
  });
  return {
    release: async () => {
      release();
      await finished;
    },
  };
}
