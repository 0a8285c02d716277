/**
 * The test gateway with Plaid resilience options (timeouts, retries, circuit breakers, cool-downs)
 * and, optionally, Plaid at a URL of the test's choosing (e.g. a server that never answers).
 */
import type { GatewayOptions } from "../../src/server.js";
import { startTestGateway, type GraphQLResult, type TestGateway } from "../support/gateway-harness.js";

export interface ResilienceGatewayOptions {
  env?: Record<string, string>;
  plaidResilience?: GatewayOptions["plaidResilience"];
  /** Point the gateway at this URL instead of starting a simulator. */
  plaidUrl?: string;
}

export type ResultWithExtensions<T> = GraphQLResult<T>;

export interface ResilienceGateway extends TestGateway {
  query<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<ResultWithExtensions<T>>;
}

export async function startResilienceGateway(options: ResilienceGatewayOptions = {}): Promise<ResilienceGateway> {
  const harness = await startTestGateway({
    env: { ...(options.plaidUrl ? { SIMULATOR_URL: options.plaidUrl } : {}), ...options.env },
    gateway: { plaidResilience: options.plaidResilience },
  });
  return Object.assign(harness, {
    query: <T>(query: string, variables?: Record<string, unknown>, token?: string | null) => harness.graphql<T>(query, variables, token),
  });
}
