import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Store } from "../../src/datasources/store/store.js";
import { TokenCipher } from "../../src/datasources/store/token-cipher.js";
import type { StoreBackend } from "./databases.js";
import { lateBound } from "./suite-fixture.js";

/** Two fresh keys: `oldCipher` seals with the old one, `rotated` seals with the new one and still opens the old. */
export function rotationKeys(): { oldKey: Buffer; newKey: Buffer; oldCipher: TokenCipher; rotated: TokenCipher } {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  return { oldKey, newKey, oldCipher: new TokenCipher([oldKey]), rotated: new TokenCipher([newKey, oldKey]) };
}

/**
 * One store of `backend` for the enclosing describe (one per describe keeps the files fast): opened in
 * beforeAll, emptied of Items, users and their Link sessions before each test, closed and removed after all.
 */
export function useEmptiedStore(backend: StoreBackend): Store {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await backend.open();
  });
  beforeEach(async () => {
    await store!.db.exec("TRUNCATE items, users CASCADE");
  });
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });
  return lateBound(`the ${backend.name} store`, () => store);
}
