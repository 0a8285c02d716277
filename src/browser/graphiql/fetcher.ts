import { createClient, type Client } from "graphql-ws/client";
import { postGraphQL, type GraphQLEndpoint, type GraphQLPayload } from "../graphql-over-http.js";
import { operationType } from "./operation-type.js";
import type { Fetcher } from "./yoga-graphiql.js";

/** The Authorization header among GraphiQL's headers, whatever its case; "" when there is none. */
function authorizationOf(headers: Record<string, unknown>): string {
  const key = Object.keys(headers).find((name) => name.toLowerCase() === "authorization");
  return key === undefined ? "" : String(headers[key]);
}

/**
 * GraphiQL's fetcher: queries and mutations are POSTed as JSON with the Headers tab's headers;
 * subscriptions go over graphql-ws with the Authorization header in connection_init's payload, as the
 * gateway expects. One WebSocket client per Authorization value: a changed token connects anew.
 */
export function createFetcher(endpoint: GraphQLEndpoint): Fetcher {
  let wsClient: Client | null = null;
  let wsAuthorization: string | null = null;
  const wsClientFor = (authorization: string): Client => {
    if (wsClient && wsAuthorization === authorization) return wsClient;
    void wsClient?.dispose();
    wsAuthorization = authorization;
    wsClient = createClient({ url: endpoint.ws, lazy: true, retryAttempts: 3, connectionParams: () => (authorization ? { authorization } : {}) });
    return wsClient;
  };

  return (params, options) => {
    const headers = options?.headers ?? {};
    const payload: GraphQLPayload = { query: params.query, variables: params.variables ?? undefined, operationName: params.operationName || undefined };
    if (operationType(params.query ?? "", params.operationName) === "subscription") {
      return wsClientFor(authorizationOf(headers)).iterate(payload);
    }
    const requestHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
    return postGraphQL(endpoint.http, payload, { accept: "application/graphql-response+json, application/json", ...requestHeaders }).then(
      (answer) => answer.result ?? { errors: [{ message: `HTTP ${answer.status}: ${answer.text.slice(0, 500)}` }] },
    );
  };
}
