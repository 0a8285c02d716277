import { beforeAll, expect, it } from "vitest";
import { describeInChromium, screenshot, textOf, useChromiumOnGateway } from "./browser-support.js";

describeInChromium("GraphiQL in Chromium with no internet (embedded default)", () => {
  // No AUTH_JWT_SECRET: the embedded default, whose development token the page pre-fills (as `npm start` hands it over).
  const chromium = useChromiumOnGateway({ gateway: { env: { AUTH_JWT_SECRET: "" } }, viewport: { width: 1400, height: 900 } });
  let devToken: string;

  beforeAll(async () => {
    devToken = await chromium.harness.token("developer", { admin: true });
    chromium.harness.gateway.showDevelopmentToken(devToken);
  });

  const response = () => textOf(chromium.page, ".graphiql-response");
  // Waits use selectors: a string predicate would be eval'd in the page, which its policy (rightly) forbids.
  const editorShows = (selector: string, word: string) => chromium.page.locator(selector, { hasText: word }).waitFor();
  const responseShows = (word: string) => editorShows(".graphiql-response", word);

  it("loads from the gateway alone and runs a query with the pre-filled development token", async () => {
    const { harness, page, watch } = chromium;
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
    const { harness, page, watch } = chromium;
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
