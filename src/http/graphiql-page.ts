import express, { type Request, type RequestHandler, type Router } from "express";
import { pageSecurityHeaders } from "./http-surface.js";
import { renderPageDocument, type PageAssets } from "./page-assets.js";

export interface GraphiqlPageOptions {
  assets: PageAssets;
  /** The GraphQL endpoint's path. */
  endpoint: string;
  /** A bearer token to pre-fill the Authorization header with (embedded default only), or null. */
  developmentToken: (req: Request) => string | null;
}

type GraphiqlBundle = typeof import("@graphql-yoga/render-graphiql/graphiql");
let bundle: Promise<GraphiqlBundle> | undefined;
/** GraphiQL as one inlined bundle (scripts, styles with their fonts as data: URLs, editor workers); loaded on first use. */
const graphiqlBundle = (): Promise<GraphiqlBundle> => (bundle ??= import("@graphql-yoga/render-graphiql/graphiql"));

const PAGE_CSS = "html,body{height:100%;margin:0}#root{height:100vh}";

/**
 * GraphiQL for browsers, at GET / and at GET /graphql when the browser asks for HTML (everything else
 * on /graphql is the API). It works offline: the page, GraphiQL's scripts, styles, fonts and editor
 * workers, and its start script (with the graphql-ws client) all come from this process (see PageAssets).
 */
export function graphiqlPage(options: GraphiqlPageOptions): Router {
  const { assets } = options;
  assets.add("graphiql.js", "text/javascript; charset=utf-8", async () => (await graphiqlBundle()).js);
  assets.add("graphiql.css", "text/css; charset=utf-8", async () => `${(await graphiqlBundle()).css}\n${PAGE_CSS}\n`);
  assets.add("graphiql-editor-worker.js", "text/javascript; charset=utf-8", async () => (await graphiqlBundle()).editorWorkerService);
  assets.add("graphiql-json-worker.js", "text/javascript; charset=utf-8", async () => (await graphiqlBundle()).jsonWorker);
  assets.add("graphiql-graphql-worker.js", "text/javascript; charset=utf-8", async () => (await graphiqlBundle()).graphqlWorker);
  assets.add("graphiql-favicon.ico", "image/x-icon", async () => dataUrlBytes((await graphiqlBundle()).favicon));
  // Its own start script (src/browser/graphiql): web workers, default tabs, and the HTTP / graphql-ws fetcher.
  assets.addBundle("graphiql-start.js", "text/javascript; charset=utf-8");

  const page: RequestHandler = async (req, res, next) => {
    try {
      const token = options.developmentToken(req);
      const headers = token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : "{}";
      const config = {
        title: "Plaid Item Gateway",
        endpoint: options.endpoint,
        headers,
        workers: {
          editorWorkerService: await assets.url("graphiql-editor-worker.js"),
          json: await assets.url("graphiql-json-worker.js"),
          graphql: await assets.url("graphiql-graphql-worker.js"),
        },
      };
      const [css, favicon, start, graphiql] = await Promise.all([
        assets.url("graphiql.css"),
        assets.url("graphiql-favicon.ico"),
        assets.url("graphiql-start.js"),
        assets.url("graphiql.js"),
      ]);
      res.type("html").send(
        renderPageDocument({
          title: "GraphiQL · Plaid Item Gateway",
          iconUrl: favicon,
          stylesheetUrl: css,
          bodyClass: "no-focus-outline",
          body: `    <noscript>GraphiQL needs JavaScript.</noscript>\n    <div id="root"></div>`,
          config: { elementId: "graphiql-config", value: config },
          scriptUrls: [start, graphiql],
        }),
      );
    } catch (error) {
      next(error);
    }
  };

  const policy = pageSecurityHeaders({ inlineStyles: true, fonts: true, workers: true });
  const router = express.Router();
  router.get("/", policy, page);
  // Not a route of its own: Express would then answer OPTIONS /graphql itself, before CORS does.
  router.use((req, res, next) => {
    const browserNavigation =
      (req.method === "GET" || req.method === "HEAD") &&
      req.path === options.endpoint &&
      // Browsers asking for a page; API clients (Accept: JSON, or anything) go on to GraphQL.
      req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
    if (!browserNavigation) {
      next();
      return;
    }
    policy(req, res, () => void page(req, res, next));
  });
  return router;
}

function dataUrlBytes(dataUrl: string): Buffer {
  const comma = dataUrl.indexOf(",");
  return Buffer.from(dataUrl.slice(comma + 1), "base64");
}
