import type { ItemEvent } from "../domain/item-event.js";

/** A stored Item changed (its status or anything else of its snapshot): what instances caching it must forget. */
export interface ItemChange {
  itemId: string;
  userId: string;
}

/** Where committed Item events go to reach live subscribers (on this instance and, with Redis, every other). */
export interface ItemEventPublisher {
  /** Never rejects because a remote fan-out is down: local subscribers still get the event. */
  publish(event: ItemEvent): Promise<void>;
  /** Tells every instance (this one included) that an Item's stored snapshot changed. Never rejects. */
  announceChange(change: ItemChange): Promise<void>;
}

/** Live Item events as the subscription use case needs them. */
export interface ItemEventFeed {
  /**
   * Events of one user's Items (userId), or of every Item (userId null, for admins). `carried` says how
   * many live subscriptions the listener serves (one when not given), for activeSubscriptions. Returns
   * the unsubscribe function.
   */
  subscribe(userId: string | null, listener: (event: ItemEvent) => void, carried?: () => number): () => void;
  /**
   * Resolves once the current subscribers' channels are subscribed remotely (at once when the remote
   * fan-out is unreachable: the resync covers that case). Await it after subscribing and before
   * replaying from the event log, so no event falls between the replay and live delivery.
   */
  whenSubscribed(): Promise<void>;
  /**
   * Called when events or changes from other instances may have been missed (a lost connection):
   * subscribers then catch up from the event log, and caches start over.
   */
  onResync(listener: () => void): () => void;
  /** Every Item change announced on any instance, this one included. Returns the function that stops listening. */
  onChange(listener: (change: ItemChange) => void): () => void;
  /** Whether changes announced on other instances reach this one now (always true for a single instance). */
  changesReach(): boolean;
}
