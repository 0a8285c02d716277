import type { ItemStatus, PlaidErrorInfo } from "./item.js";

/** One change of an Item's state, as recorded in the event log and delivered to subscribers. */
export interface ItemEvent {
  /** Position in the event log: commit order, strictly increasing. */
  sequence: number;
  itemId: string;
  userId: string;
  previousStatus: ItemStatus | null;
  status: ItemStatus;
  cause: string;
  error: PlaidErrorInfo | null;
  occurredAt: Date;
}

/** An event about to be appended (the log gives it its sequence). */
export type NewItemEvent = Omit<ItemEvent, "sequence">;
