import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../resolvers/context.js";

/**
 * Reports what an operation served from stored data instead of Plaid's current answer (Plaid rate
 * limited the Item, was unavailable, or reported an Item error) as
 * `extensions.staleData: [{ itemId, field, fetchedAt, reason }]`. Absent when everything was fresh.
 */
export const staleDataPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const collector = contextValue?.staleData;
        if (!collector || collector.size === 0) return;
        const staleData = collector.list();
        if (response.body.kind === "single") {
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, staleData };
        } else {
          response.body.initialResult.extensions = { ...response.body.initialResult.extensions, staleData };
        }
      },
    };
  },
};
