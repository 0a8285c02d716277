import type { ItemSnapshot } from "./item.js";

/** An access token as stored: self-describing ciphertext plus the id of the key that sealed it. */
export interface SealedToken {
  ciphertext: string;
  keyId: string;
}

/** A stored Item: its snapshot and, until removal, its sealed access token. */
export interface StoredItem {
  snapshot: ItemSnapshot;
  accessToken: SealedToken | null;
}
