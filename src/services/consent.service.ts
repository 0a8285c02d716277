import type { ConsentEvent, ConsentEventCode, ConsentEventType } from "../domain/consent.js";
import type { ItemSnapshot } from "../domain/item.js";
import { pageOfList, type Page } from "./pagination.js";
import type { RequestScope } from "./request-scope.js";

export interface ConsentEventFilter {
  eventType?: ConsentEventType | null;
  eventCode?: ConsentEventCode | null;
}

/** Plaid's consent log of an Item, newest first, filtered and paged. */
export class ConsentService {
  async page(scope: RequestScope, item: ItemSnapshot, filter: ConsentEventFilter, first: number, after?: string | null): Promise<Page<ConsentEvent> & { totalCount: number }> {
    // A removed Item has no access token left to ask Plaid with.
    const events = item.status === "REMOVED" ? [] : await scope.loaders.consentEvents.load(item.itemId);
    const matching = events
      .filter((event) => (!filter.eventType || event.eventType === filter.eventType) && (!filter.eventCode || event.eventCode === filter.eventCode))
      .map((event, index) => ({ event, index }))
      .sort((a, b) => b.event.createdAt.getTime() - a.event.createdAt.getTime() || b.index - a.index)
      .map(({ event }) => event);
    return { ...pageOfList(matching, first, after, "consent"), totalCount: matching.length };
  }
}
