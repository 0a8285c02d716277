import { Configuration, PlaidApi, PlaidEnvironments } from "plaid";
import type { PlaidEnv } from "../../config.js";

export interface PlaidClientOptions {
  env: PlaidEnv;
  clientId: string;
  secret: string;
  /** Required for the simulator; Plaid's own URL otherwise. */
  basePath?: string;
}

/** The official Plaid client, pointed at Plaid or at the simulator. Timeouts are set per call (plaid-policies.ts). */
export function createPlaidApi(options: PlaidClientOptions): PlaidApi {
  const basePath = options.basePath ?? (options.env === "production" ? PlaidEnvironments.production : PlaidEnvironments.sandbox);
  if (!basePath) throw new Error(`No Plaid URL for ${options.env}`);
  return new PlaidApi(
    new Configuration({
      basePath,
      baseOptions: {
        headers: { "PLAID-CLIENT-ID": options.clientId, "PLAID-SECRET": options.secret, "Plaid-Version": "2020-09-14" },
        // Plaid's API never redirects: without redirect following, axios uses Node's http directly (follow-redirects costs CPU per call).
        maxRedirects: 0,
      },
    }),
  );
}
