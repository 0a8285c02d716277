import type { ItemEvent } from "../domain/item-event.js";

/** Where committed Item events go to reach live subscribers (on this instance and, with Redis, every other). */
export interface ItemEventPublisher {
  /** Never rejects because a remote fan-out is down: local subscribers still get the event. */
  publish(event: ItemEvent): Promise<void>;
}

/** Live Item events as the subscription use case needs them. */
export interface ItemEventFeed {
  /** Events of one user's Items (userId), or of every Item (userId null, for admins). Returns the unsubscribe function. */
  subscribe(userId: string | null, listener: (event: ItemEvent) => void): () => void;
  /**
   * Resolves once the current subscribers' channels are subscribed remotely (at once when the remote
   * fan-out is unreachable: the resync covers that case). Await it after subscribing and before
   * replaying from the event log, so no event falls between the replay and live delivery.
   */
  whenSubscribed(): Promise<void>;
  /** Called when events from other instances may have been missed: subscribers then catch up from the event log. */
  onResync(listener: () => void): () => void;
}
