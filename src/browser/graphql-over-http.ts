import type { FormattedExecutionResult } from "graphql";

/** One GraphQL request as POSTed to the gateway. */
export interface GraphQLPayload {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** What the gateway answered: the JSON result, or null when the body was no JSON (a proxy's error page, say). */
export interface GraphQLHttpAnswer {
  status: number;
  result: FormattedExecutionResult | null;
  text: string;
}

/** The gateway's GraphQL endpoint, over HTTP and over WebSocket (graphql-ws on the same path). */
export interface GraphQLEndpoint {
  http: URL;
  ws: string;
}

export function graphqlEndpoint(path: string): GraphQLEndpoint {
  const http = new URL(path, location.href);
  return { http, ws: `${http.protocol === "https:" ? "wss:" : "ws:"}//${http.host}${http.pathname}` };
}

/** POSTs a GraphQL request as JSON; `headers` go on top of the JSON content type. */
export async function postGraphQL(endpoint: URL, payload: GraphQLPayload, headers: Record<string, string>): Promise<GraphQLHttpAnswer> {
  const response = await fetch(endpoint.toString(), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(payload) });
  const text = await response.text();
  try {
    return { status: response.status, result: JSON.parse(text) as FormattedExecutionResult, text };
  } catch {
    return { status: response.status, result: null, text };
  }
}
