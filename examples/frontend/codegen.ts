/**
 * GraphQL Code Generator for the frontend (client preset): typed documents for the operations in the
 * .graphql files under src/, checked against the gateway's schema, written to src/gql/ with the
 * persisted-documents manifest (src/gql/persisted-documents.json) for the gateway's PERSISTED_DOCUMENTS.
 *
 *   npx graphql-codegen --config codegen.ts           # from the schema file
 *   GATEWAY_URL=http://127.0.0.1:4000/graphql GATEWAY_TOKEN=<a bearer token> npx graphql-codegen --config codegen.ts
 *                                                     # from a running gateway (introspection needs a signed-in user)
 */
import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";
import path from "node:path";

// Paths are relative to this file, so the config works from any directory.
const here = (relative: string) => path.join(import.meta.dirname, relative);

function schema(): CodegenConfig["schema"] {
  const { GATEWAY_URL, GATEWAY_TOKEN } = process.env;
  // The gateway's committed schema (a copy of it, in your own project).
  if (!GATEWAY_URL) return here("../../schema.graphql");
  if (!GATEWAY_TOKEN) throw new Error("GATEWAY_URL is set but GATEWAY_TOKEN is not: the gateway introspects only for a signed-in user.");
  return [{ [GATEWAY_URL]: { headers: { authorization: `Bearer ${GATEWAY_TOKEN}` } } }];
}

const config: CodegenConfig = {
  schema: schema(),
  documents: here("src/**/*.graphql"),
  generates: {
    [`${here("src/gql")}/`]: {
      preset: "client",
      presetConfig: {
        // Results are typed with every field the operation selects, fragments included.
        fragmentMasking: false,
        // Each document gets its id (`document.__meta__.hash`), and the manifest lists them all.
        persistedDocuments: true,
      },
      // Normalized caches (Apollo Client, urql Graphcache) ask for __typename on every object: the
      // documents and the manifest hold it already, so what the client sends is what the manifest lists.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        // The gateway sends DateTimeISO as an ISO 8601 string in UTC: parse it with `new Date(value)`.
        scalars: { DateTimeISO: "string" },
      },
    },
  },
};

export default config;
