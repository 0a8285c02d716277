// GraphQL Mesh composed from Plaid's OpenAPI spec (the operations the Plaid-path rows use, cut out by the bench into BENCH_MESH_SPEC).
/* global process */
import { defineConfig } from "@graphql-mesh/compose-cli";
import { loadOpenAPISubgraph } from "@omnigraph/openapi";

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph("Plaid", {
        source: process.env.BENCH_MESH_SPEC,
        endpoint: "{env.PLAID_URL}",
        operationHeaders: { "PLAID-CLIENT-ID": "{env.PLAID_CLIENT_ID}", "PLAID-SECRET": "{env.PLAID_SECRET}" },
        selectQueryOrMutationField: [{ fieldName: "accountsGet", type: "query" }],
      }),
    },
  ],
});
