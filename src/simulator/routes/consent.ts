import { consentEventsOf } from "../consent-events.js";
import { assertItemHealthy } from "../items.js";
import { itemOfRequest, type RouteHandler } from "./route.js";

/** /consent/events/get: the Item's consent log, oldest first; the newest hours can be hidden as Plaid may. */
const getConsentEvents: RouteHandler = (ctx, req) => {
  const item = itemOfRequest(ctx, req);
  assertItemHealthy(item);
  const hideYoungerThanMs = ctx.settings.consentEventsDelayHours * 60 * 60 * 1000;
  return { body: { consent_events: consentEventsOf(ctx, item.item_id, { hideYoungerThanMs }) } };
};

export const consentRoutes: Record<string, RouteHandler> = { "/consent/events/get": getConsentEvents };
