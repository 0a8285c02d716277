import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql module for everything: type-graphql (CJS) and the tests must share it.
    alias: { graphql: require.resolve("graphql/index.js").replace(/index\.js$/, "index.js") },
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/setup.ts"],
    // Scans every log line the test gateways wrote, after the whole run, for tokens and secrets;
    // builds the browser pages' bundles every test gateway serves.
    globalSetup: ["test/support/log-capture-setup.ts", "test/browser/browser-bundles-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
