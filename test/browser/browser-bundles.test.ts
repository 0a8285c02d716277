import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dashboardRoute } from "../../src/http/dashboard/dashboard-route.js";
import { graphiqlPage } from "../../src/http/graphiql-page.js";
import { PageAssets } from "../../src/http/page-assets.js";

const BUILD_COMMAND = /npm run build:browser/;

describe("the browser pages' bundles", () => {
  let dir: string;
  const emptyBundlesDir = () => (dir = mkdtempSync(path.join(tmpdir(), "browser-bundles-")));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a page whose bundle was never built refuses to start, naming the bundle and the command that builds it", () => {
    const assets = new PageAssets(emptyBundlesDir());
    const dashboard = () =>
      dashboardRoute({
        assets,
        endpoint: "/graphql",
        developmentToken: () => null,
        sandboxActions: true,
        linkCompletePath: null,
        webhookCodes: [],
        institutions: [],
        graphiqlPath: null,
      });
    expect(dashboard).toThrow(/dashboard\.js is missing/);
    expect(dashboard).toThrow(BUILD_COMMAND);
    const graphiql = () => graphiqlPage({ assets, endpoint: "/graphql", developmentToken: () => null });
    expect(graphiql).toThrow(/graphiql-start\.js is missing/);
    expect(graphiql).toThrow(BUILD_COMMAND);
  });

  it("a bundle removed after the start, before its first request, fails its page with the same message", async () => {
    const assets = new PageAssets(emptyBundlesDir());
    writeFileSync(path.join(dir, "dashboard.js"), "(()=>{})();\n");
    assets.addBundle("dashboard.js", "text/javascript; charset=utf-8");
    rmSync(path.join(dir, "dashboard.js"));
    await expect(assets.url("dashboard.js")).rejects.toThrow(BUILD_COMMAND);
  });

  it("a built bundle is served under a URL that changes with its content", async () => {
    writeFileSync(path.join(emptyBundlesDir(), "dashboard.css"), "body{margin:0}\n");
    const urlOfBuiltBundle = async () => {
      const assets = new PageAssets(dir);
      assets.addBundle("dashboard.css", "text/css; charset=utf-8");
      return assets.url("dashboard.css");
    };
    const before = await urlOfBuiltBundle();
    writeFileSync(path.join(dir, "dashboard.css"), "body{margin:1px}\n");
    const after = await urlOfBuiltBundle();
    expect(before).toMatch(/^\/assets\/dashboard\.css\?v=[0-9a-f]{16}$/);
    expect(after).toMatch(/^\/assets\/dashboard\.css\?v=[0-9a-f]{16}$/);
    expect(after).not.toBe(before);
  });
});
