/**
 * The layers of the gateway (README, "Layout"), checked in CI. Arrows point one way:
 * transports (http, subscriptions, webhooks) → graphql → resolvers → services → domain and datasources.
 */
const layer = (name) => `^src/${name}/`;
const transports = "^src/(http|subscriptions|webhooks)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "domain holds pure functions and the shared types: it imports only domain",
      severity: "error",
      from: { path: layer("domain") },
      to: { pathNot: layer("domain") },
    },
    {
      name: "resolvers-use-services",
      comment: "resolvers are thin: they call services and never reach datasources, transports or the pipeline",
      severity: "error",
      from: { path: layer("resolvers") },
      to: { path: [layer("datasources"), layer("graphql"), transports, layer("metrics"), layer("simulator")] },
    },
    {
      name: "services-below-graphql",
      comment: "services hold the use cases; they declare ports instead of importing transports or the pipeline",
      severity: "error",
      from: { path: layer("services") },
      to: { path: [layer("resolvers"), layer("graphql"), transports, layer("metrics"), layer("schema")] },
    },
    {
      name: "datasources-below-services",
      comment: "datasources own I/O and the mapping from Plaid's shapes; they know nothing above them",
      severity: "error",
      from: { path: layer("datasources") },
      to: { path: [layer("services"), layer("resolvers"), layer("graphql"), transports, layer("metrics"), layer("schema")] },
    },
    {
      name: "graphql-below-transports",
      comment: "the pipeline is transport-neutral: the transports adapt it, never the other way",
      severity: "error",
      from: { path: layer("graphql") },
      to: { path: [transports, layer("metrics")] },
    },
    {
      name: "schema-is-shape-only",
      comment: "type-graphql classes carry shape only",
      severity: "error",
      from: { path: layer("schema") },
      to: { path: [layer("resolvers"), layer("services"), layer("datasources"), layer("graphql"), transports] },
    },
    {
      name: "http-and-subscriptions-apart",
      comment: "the two GraphQL transports share the pipeline and never import each other",
      severity: "error",
      from: { path: "^src/(http|subscriptions)/" },
      to: { path: "^src/(http|subscriptions)/", pathNot: "^src/$1/" },
    },
    {
      name: "http-without-store",
      comment: "routes call services; the store, repositories and the simulator are not theirs",
      severity: "error",
      from: { path: layer("http") },
      to: { path: [layer("datasources"), layer("simulator")] },
    },
    {
      name: "subscriptions-implement-ports",
      comment: "subscriptions implement the services' event ports: they may import services only as types",
      severity: "error",
      from: { path: layer("subscriptions") },
      to: { path: layer("services"), dependencyTypesNot: ["type-only"] },
    },
    {
      name: "simulator-only-from-the-root",
      comment: "only the composition root and the command line know the simulator",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/server\\.ts$", "^src/main\\.ts$", layer("simulator")] },
      to: { path: layer("simulator") },
    },
    {
      name: "simulator-stands-alone",
      comment: "the simulator is a stand-in for Plaid: it imports nothing of the gateway's but Plaid's own vocabulary",
      severity: "error",
      from: { path: layer("simulator") },
      to: { path: "^src/", pathNot: [layer("simulator"), "^src/domain/plaid-vocabulary\\.ts$"] },
    },
    {
      name: "browser-code-stands-alone",
      comment: "the pages' browser code is bundled on its own: it imports nothing of the server's",
      severity: "error",
      from: { path: layer("browser") },
      to: { path: "^src/", pathNot: layer("browser") },
    },
    {
      name: "no-cycles",
      comment: "no import cycles, but among type-graphql's type classes (an Item has a User, whose items are Items)",
      severity: "error",
      from: { pathNot: layer("schema") },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
