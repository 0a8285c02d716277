import { beforeAll, expect, it } from "vitest";
import { issuedAccessTokens, storedAccessToken, tokenKey } from "../support/token-rotation.js";
import { describeInChromium, nextSubscribeVariables, screenshot, useChromiumOnGateway, watchPage } from "./browser-support.js";

describeInChromium("the live Item dashboard in Chromium (embedded default: PGlite and the in-process simulator)", () => {
  const { key, cipher } = tokenKey();
  const chromium = useChromiumOnGateway({ gateway: { env: { TOKEN_ENCRYPTION_KEY: key } }, viewport: { width: 1280, height: 800 } });
  let token: string;

  beforeAll(async () => {
    token = await chromium.harness.token("developer", { admin: true });
    // Keeps a handle on every WebSocket the page opens, so a test can drop the live connection.
    await chromium.page.addInitScript({
      content: `(() => {
        const sockets = [];
        const Native = window.WebSocket;
        window.WebSocket = class extends Native {
          constructor(url, protocols) {
            super(url, protocols);
            sockets.push(this);
          }
        };
        window.openSockets = sockets;
      })();`,
    });
  });

  it("signs in, creates an Item, follows it to LOGIN_REQUIRED and back to HEALTHY live, resuming after a dropped connection, without reloading", async () => {
    const { harness, page, watch } = chromium;
    const response = await page.goto(`${harness.gateway.url}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self';/);
    await page.evaluate('window.pageMarker = "same document"');
    // The gateway was given a JWT secret, so nothing is pre-filled: sign in as an operator would.
    expect(await page.inputValue("#token")).toBe("");
    await page.fill("#token", token);
    await page.click("#signin-button");
    await page.waitForSelector('#live-status[data-state="live"]');
    await expect(page.locator("#viewer").innerText()).resolves.toBe("developer");
    await expect(page.locator("#viewer-role").innerText()).resolves.toMatch(/admin/);

    // Create an Item: its row appears HEALTHY, and the LINKED event arrives over the subscription.
    await page.click("#create-item");
    const row = page.locator("#item-rows tr").first();
    await row.waitFor();
    const itemId = (await row.getAttribute("data-item-id"))!;
    expect(itemId).toBeTruthy();
    const itemRow = (status: string) => `#item-rows tr[data-item-id="${itemId}"][data-status="${status}"]`;
    await page.waitForSelector(itemRow("HEALTHY"));
    await page.waitForSelector(`#event-log li[data-item-id="${itemId}"][data-cause="LINKED"]`);
    await expect(page.locator(`${itemRow("HEALTHY")} .institution`).innerText()).resolves.toBe("First Platypus Bank");
    await expect(page.locator(`${itemRow("HEALTHY")} .recommended-action`).innerText()).resolves.toBe("NONE");
    await screenshot(page, "dashboard-1-created");

    // Reset its login: Plaid's ERROR webhook reaches the gateway, and the row turns LOGIN_REQUIRED live.
    await page.click(`#item-rows tr[data-item-id="${itemId}"] button.reset-login`);
    await page.waitForSelector(itemRow("LOGIN_REQUIRED"));
    await page.waitForSelector(`#event-log li[data-item-id="${itemId}"][data-status="LOGIN_REQUIRED"]`);
    await expect(page.locator(`${itemRow("LOGIN_REQUIRED")} .recommended-action`).innerText()).resolves.toBe("UPDATE_LOGIN");
    await screenshot(page, "dashboard-2-login-required");

    // Drop the live connection: the dashboard reconnects and resumes after the last event it saw.
    const cursor = await page.getAttribute("#live-status", "data-cursor");
    expect(cursor).toBeTruthy();
    const resumedWith = nextSubscribeVariables(page);
    await page.evaluate('window.openSockets.at(-1).close(4000, "dropped by the test")');
    expect(await resumedWith).toEqual({ after: cursor });
    await page.waitForSelector('#live-status[data-state="live"]');

    // Complete update mode: update link token, Link finished in the simulator, completeUpdate; UPDATE_COMPLETED arrives live.
    await page.click(`#item-rows tr[data-item-id="${itemId}"] button.complete-update`);
    await page.waitForSelector(itemRow("HEALTHY"));
    await page.waitForSelector(`#event-log li[data-item-id="${itemId}"][data-cause="UPDATE_COMPLETED"]`);
    await expect(page.locator(`${itemRow("HEALTHY")} .recommended-action`).innerText()).resolves.toBe("NONE");
    await screenshot(page, "dashboard-3-healthy-again");

    // One document all along: no navigation after the first load, nothing refused, nothing fetched from elsewhere.
    expect(watch.navigations).toHaveLength(1);
    expect(await page.evaluate("window.pageMarker")).toBe("same document");
    expect(watch.errors).toEqual([]);
    expect(watch.aborted).toEqual([]);
    const events = await page.locator(`#event-log li[data-item-id="${itemId}"]`).evaluateAll((items) => items.map((li) => li.getAttribute("data-cause")));
    expect(events).toEqual(["UPDATE_COMPLETED", "ERROR", "LINKED"]);
  });

  it("shows a user only their own Items, and subscribes after the newest event the list reflects", async () => {
    const { harness, browser } = chromium;
    const bob = await harness.token("bob");
    const bobsItem = ((await harness.graphql("mutation { sandboxCreateItem { id } }", {}, bob)).data as { sandboxCreateItem: { id: string } }).sandboxCreateItem.id;
    const bobsPage = await browser.newPage();
    try {
      const bobsWatch = await watchPage(bobsPage, { localOnly: true });
      const firstSubscribe = nextSubscribeVariables(bobsPage);
      await bobsPage.goto(`${harness.gateway.url}/dashboard`);
      await bobsPage.fill("#token", bob);
      await bobsPage.click("#signin-button");
      await bobsPage.waitForSelector('#live-status[data-state="live"]');
      await expect(bobsPage.locator("#viewer-role").innerText()).resolves.toBe("your Items");
      await bobsPage.waitForSelector(`#item-rows tr[data-item-id="${bobsItem}"]`);
      expect(await bobsPage.locator("#item-rows tr").count()).toBe(1);
      // The owner column and rotating access tokens are for admins; when the Item was last confirmed is for everyone.
      expect(await bobsPage.locator("th.owner").isVisible()).toBe(false);
      expect(await bobsPage.locator("button.rotate-token").count()).toBe(0);
      expect(await bobsPage.locator(`#item-rows tr[data-item-id="${bobsItem}"] td.confirmed time`).getAttribute("datetime")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      // Bob's list ends at his Item's LINKED event: the subscription starts right after it.
      const history = (await harness.graphql(`{ item(id: "${bobsItem}") { history(first: 1) { edges { node { cursor } } } } }`, {}, bob)).data as {
        item: { history: { edges: Array<{ node: { cursor: string } }> } };
      };
      expect(await firstSubscribe).toEqual({ after: history.item.history.edges[0]!.node.cursor });

      // Another user's new Item never shows up; Bob's own changes do.
      await harness.graphql("mutation { sandboxCreateItem { id } }", {}, await harness.token("carol"));
      await harness.graphql(`mutation { sandboxResetLogin(itemId: "${bobsItem}") { id } }`, {}, bob);
      await bobsPage.waitForSelector(`#item-rows tr[data-item-id="${bobsItem}"][data-status="LOGIN_REQUIRED"]`);
      expect(await bobsPage.locator("#item-rows tr").count()).toBe(1);
      expect(await bobsPage.locator("#event-log li").count()).toBe(1);
      await screenshot(bobsPage, "dashboard-4-user-view");
      expect(bobsWatch.errors).toEqual([]);
      expect(bobsWatch.aborted).toEqual([]);
    } finally {
      await bobsPage.close();
    }
  });

  it("shows when each Item was last confirmed with Plaid, and lets an admin rotate an Item's access token from its row", async () => {
    const { harness, browser } = chromium;
    const admin = await harness.token("operator", { admin: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const watch = await watchPage(page, { localOnly: true });
      await page.goto(`${harness.gateway.url}/dashboard`);
      await page.fill("#token", admin);
      await page.click("#signin-button");
      await page.waitForSelector('#live-status[data-state="live"]');
      await page.click("#create-item");
      await page.waitForSelector('#message[data-kind="info"]:has-text("Created Item")');
      const itemId = /Created Item (\S+)/.exec(await page.locator("#message").innerText())![1]!;
      const confirmed = page.locator(`#item-rows tr[data-item-id="${itemId}"] td.confirmed time`);
      const shownBefore = Date.parse((await confirmed.getAttribute("datetime"))!);
      expect(shownBefore).toBeGreaterThan(0);
      await expect(page.locator("th", { hasText: "Last confirmed" }).isVisible()).resolves.toBe(true);
      const oldToken = await storedAccessToken(harness.gateway.store, cipher, itemId);

      await page.click(`#item-rows tr[data-item-id="${itemId}"] button.rotate-token`);
      await page.waitForSelector(`#message[data-kind="info"]:has-text("Rotated the access token of ${itemId}")`);
      // The row shows the Item as Plaid confirmed it with the new token: a later confirmation time.
      const after = (await harness.gateway.store.items.findById(itemId))!;
      expect(after.snapshot.syncedAt.getTime()).toBeGreaterThan(shownBefore);
      expect(await confirmed.getAttribute("datetime")).toBe(after.snapshot.syncedAt.toISOString());
      const newToken = await storedAccessToken(harness.gateway.store, cipher, itemId);
      expect(issuedAccessTokens(harness, itemId)).toEqual([newToken]);
      expect(newToken).not.toBe(oldToken);
      expect(await page.content()).not.toContain(newToken!);
      await screenshot(page, "dashboard-5-token-rotated");
      expect(watch.errors).toEqual([]);
      expect(watch.aborted).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
