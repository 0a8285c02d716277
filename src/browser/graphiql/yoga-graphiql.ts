/** What GraphiQL hands the fetcher: the operation, and the headers of its Headers tab. */
interface FetcherParams {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

interface FetcherOptions {
  headers?: Record<string, unknown>;
}

/** A query's or mutation's result, or a subscription's stream of results. */
export type Fetcher = (params: FetcherParams, options?: FetcherOptions) => Promise<unknown> | AsyncIterable<unknown>;

interface YogaGraphiQLOptions {
  title: string;
  fetcher: Fetcher;
  defaultTabs: Array<{ query: string; headers: string }>;
  headers: string;
  shouldPersistHeaders: boolean;
}

/** Where the editor's web workers are (Monaco asks for one by label). */
interface MonacoEnvironment {
  globalAPI: boolean;
  getWorkerUrl: (moduleId: string, label: string) => string;
}

declare global {
  /** Set by /assets/graphiql.js, the GraphiQL bundle loaded after this script. */
  const YogaGraphiQL: { renderYogaGraphiQL(root: HTMLElement, options: YogaGraphiQLOptions): void };

  interface Window {
    MonacoEnvironment?: MonacoEnvironment;
  }
}
