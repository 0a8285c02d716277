import type { ItemEvent } from "../datasources/store/item-events-repository.js";

/** Where committed Item events go to reach live subscribers. */
export interface ItemEventPublisher {
  publish(event: ItemEvent): Promise<void>;
}
