/**
 * Starts GraphiQL (served as /assets/graphiql-start.js, before the GraphiQL bundle): reads the page's
 * JSON configuration, points the editor's web workers at same-origin files, and renders GraphiQL with
 * a fetcher of its own (HTTP for queries and mutations, graphql-ws for subscriptions).
 */
import { graphqlEndpoint } from "../graphql-over-http.js";
import { readPageConfig } from "../page-config.js";
import { DEFAULT_TAB_DOCUMENTS } from "./default-tabs.js";
import { createFetcher } from "./fetcher.js";

/** What the page's #graphiql-config block holds. */
interface GraphiqlConfig {
  title: string;
  endpoint: string;
  /** The Headers tab's text (JSON), pre-filled with the development token where the gateway allows it. */
  headers: string;
  workers: Record<string, string> & { editorWorkerService: string };
}

const config = readPageConfig<GraphiqlConfig>("graphiql-config");

self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => config.workers[label] || config.workers.editorWorkerService,
};

document.addEventListener("DOMContentLoaded", () => {
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root")!, {
    title: config.title,
    fetcher: createFetcher(graphqlEndpoint(config.endpoint)),
    defaultTabs: DEFAULT_TAB_DOCUMENTS.map((query) => ({ query, headers: config.headers })),
    headers: config.headers,
    shouldPersistHeaders: false,
  });
});
