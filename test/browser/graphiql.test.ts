import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCleanRun, startTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { ensureChromium, launchChromium, screenshot, textOf, watchPage, type PageWatch } from "./browser-support.js";

const missingBrowser = ensureChromium();
if (missingBrowser) console.warn(`SKIPPED browser tests: ${missingBrowser}`);

describe.skipIf(missingBrowser !== null)("GraphiQL in Chromium with no internet (embedded default)", () => {
  let harness: TestGateway;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  let devToken: string;

  beforeAll(async () => {
    // No AUTH_JWT_SECRET: the embedded default, whose development token the page pre-fills (as `npm start` hands it over).
    harness = await startTestGateway({ env: { AUTH_JWT_SECRET: "" } });
    devToken = await harness.token("developer", { admin: true });
    harness.gateway.showDevelopmentToken(devToken);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch = await watchPage(page, { localOnly: true });
  });
  afterAll(async () => {
    await browser?.close();
    if (harness) {
      expectCleanRun(harness);
      await harness.close();
    }
  });

  const response = () => textOf(page, ".graphiql-response");
  // Waits use selectors: a string predicate would be eval'd in the page, which its policy (rightly) forbids.
  const editorShows = (selector: string, word: string) => page.locator(selector, { hasText: word }).waitFor();
  const responseShows = (word: string) => editorShows(".graphiql-response", word);

  it("loads from the gateway alone and runs a query with the pre-filled development token", async () => {
    const itemId = (await harness.graphql("mutation { sandboxCreateItem { id } }", {}, devToken)).data as { sandboxCreateItem: { id: string } };
    const loaded = await page.goto(`${harness.gateway.url}/graphql`);
    expect(loaded?.status()).toBe(200);
    expect(loaded?.headers()["content-type"]).toMatch(/^text\/html/);
    await page.waitForSelector(".graphiql-container .graphiql-execute-button");
    // The schema arrived through introspection with the pre-filled Authorization header.
    await page.waitForSelector(".graphiql-doc-explorer-title, [aria-label='Show Documentation Explorer']");

    await page.click(".graphiql-execute-button");
    await responseShows(itemId.sandboxCreateItem.id);
    const text = await response();
    expect(text).toContain('"clientUserId": "developer"');
    expect(text).toContain('"status": "HEALTHY"');
    await screenshot(page, "graphiql-1-query");
    // The token lives in the Headers tab only, never in the browser's storage.
    expect(await page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")).not.toContain(devToken);

    expect(watch.aborted, "requests the page needed from outside this machine").toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  it("runs a subscription over graphql-ws: missed events after a cursor first, then an event as it happens", async () => {
    const createItem = async () =>
      ((await harness.graphql("mutation { sandboxCreateItem { id } }", {}, devToken)).data as { sandboxCreateItem: { id: string } }).sandboxCreateItem.id;
    const items = (await harness.graphql("{ items(first: 1) { edges { node { history(first: 1) { edges { node { cursor } } } } } } }", {}, devToken)).data as {
      items: { edges: Array<{ node: { history: { edges: Array<{ node: { cursor: string } }> } } }> };
    };
    const cursor = items.items.edges[0]!.node.history.edges[0]!.node.cursor;
    const missed = await createItem();

    await page.locator(".graphiql-tab", { hasText: "Live" }).click();
    await page.waitForSelector(".graphiql-tab-active:has-text('Live')");
    await editorShows(".graphiql-query-editor", "itemStatusChanged");
    await page.getByRole("button", { name: "Variables" }).click();
    await page.locator(".graphiql-editor-tool .graphiql-editor:visible").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(JSON.stringify({ after: cursor }));
    await page.click(".graphiql-execute-button");
    // The event created before the subscription started arrives first: the subscription is registered now.
    await responseShows(missed);
    expect(await response()).toContain('"cause": "LINKED"');

    const live = await createItem();
    await responseShows(live);
    const text = await response();
    expect(text).toContain('"cause": "LINKED"');
    expect(text).toContain('"previousStatus": null');
    await screenshot(page, "graphiql-2-subscription");
    await page.click(".graphiql-execute-button[aria-label*='Stop']");

    expect(watch.aborted, "requests the page needed from outside this machine").toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.navigations.every((url) => new URL(url).origin === harness.gateway.url)).toBe(true);
  });
});
