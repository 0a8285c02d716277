import { Configuration, PlaidApi, PlaidEnvironments } from "plaid";
import type { PlaidEnv } from "../../config.js";

export interface PlaidClientOptions {
  env: PlaidEnv;
  clientId: string;
  secret: string;
  /** Required for the simulator; Plaid's own URL otherwise. */
  basePath?: string;
  /** Default HTTP timeout; each call sets its own from its endpoint's policy (plaid-policies.ts). */
  timeoutMs?: number;
}

/** The official Plaid client, pointed at Plaid or at the simulator. */
export function createPlaidApi(options: PlaidClientOptions): PlaidApi {
  const basePath = options.basePath ?? (options.env === "production" ? PlaidEnvironments.production : PlaidEnvironments.sandbox);
  if (!basePath) throw new Error(`No Plaid URL for ${options.env}`);
  return new PlaidApi(
    new Configuration({
      basePath,
      baseOptions: {
        timeout: options.timeoutMs ?? 10_000,
        headers: { "PLAID-CLIENT-ID": options.clientId, "PLAID-SECRET": options.secret, "Plaid-Version": "2020-09-14" },
      },
    }),
  );
}
