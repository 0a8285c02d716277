import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe } from "vitest";
import { expectCleanRun, startTestGateway, type TestGateway, type TestGatewayOptions } from "../support/gateway-harness.js";

/** Debian's Chromium: the browser the browser tests drive (Playwright's own downloads are not used). */
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS_DIR = path.resolve("test-output/screenshots");

/**
 * Makes sure Debian's Chromium is installed: installs it with apt-get when it is missing (one install
 * at a time across test files). Returns null when it is there, or why it is not. In CI a missing
 * browser fails the run; elsewhere the browser tests are skipped and say so.
 */
function ensureChromium(): string | null {
  if (existsSync(CHROMIUM)) return null;
  try {
    execFileSync(
      "flock",
      ["/tmp/plaid-item-gateway-chromium.lock", "sh", "-c", `test -x ${CHROMIUM} || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)`],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 15 * 60_000 },
    );
  } catch (error) {
    const reason = `Debian's chromium is not installed and could not be installed (apt-get install -y chromium): ${(error as Error).message.split("\n")[0]}`;
    if (process.env.CI) throw new Error(reason, { cause: error });
    return reason;
  }
  return existsSync(CHROMIUM) ? null : `apt-get did not install ${CHROMIUM}`;
}

/** A describe that drives Chromium: skipped, saying why, where the browser is missing (outside CI). */
export function describeInChromium(name: string, body: () => void): void {
  const missingBrowser = ensureChromium();
  if (missingBrowser) console.warn(`SKIPPED browser tests: ${missingBrowser}`);
  describe.skipIf(missingBrowser !== null)(name, body);
}

/** What a browser suite drives: a test gateway, Chromium and one page watched as if there were no internet. */
export interface ChromiumOnGateway {
  harness: TestGateway;
  browser: Browser;
  page: Page;
  watch: PageWatch;
}

/**
 * Starts a ChromiumOnGateway in the enclosing describe's beforeAll; its afterAll closes the browser,
 * checks the gateway's run was clean (see expectCleanRun) and closes the gateway.
 */
export function useChromiumOnGateway(options: { gateway?: TestGatewayOptions; viewport: { width: number; height: number } }): ChromiumOnGateway {
  const suite = {} as Partial<ChromiumOnGateway>;
  beforeAll(async () => {
    suite.harness = await startTestGateway(options.gateway);
    suite.browser = await launchChromium();
    suite.page = await suite.browser.newPage({ viewport: options.viewport });
    suite.watch = await watchPage(suite.page, { localOnly: true });
  });
  afterAll(async () => {
    await suite.browser?.close();
    if (!suite.harness) return;
    try {
      expectCleanRun(suite.harness);
    } finally {
      await suite.harness.close();
    }
  });
  return suite as ChromiumOnGateway;
}

/** Headless Chromium with the flags this machine needs (no background traffic to Google's hosts); a fresh profile each time. */
async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

/** What a page did that a test should know about: navigations, errors, CSP refusals, requests it was refused. */
export interface PageWatch {
  navigations: string[];
  errors: string[];
  /** Requests to anywhere but this machine, aborted (none may be needed). */
  aborted: string[];
}

/**
 * Watches a page: counts main-frame navigations, collects uncaught errors and console errors (a CSP
 * refusal is one), and, with `localOnly`, aborts every request that does not go to 127.0.0.1 or
 * localhost, as if there were no internet.
 */
export async function watchPage(page: Page, options: { localOnly?: boolean } = {}): Promise<PageWatch> {
  const watch: PageWatch = { navigations: [], errors: [], aborted: [] };
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) watch.navigations.push(frame.url());
  });
  page.on("pageerror", (error) => watch.errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") watch.errors.push(`console: ${message.text()}`);
  });
  if (options.localOnly) {
    await page.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      if (["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
        await route.continue();
      } else {
        watch.aborted.push(url.href);
        await route.abort("internetdisconnected");
      }
    });
  }
  return watch;
}

/** The variables of the next graphql-ws `subscribe` message the page sends (`{}` when it sends none). */
export function nextSubscribeVariables(page: Page): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    page.on("websocket", (socket) =>
      socket.on("framesent", (frame) => {
        const message = JSON.parse(String(frame.payload)) as { type: string; payload?: { variables?: Record<string, unknown> } };
        if (message.type === "subscribe") resolve(message.payload?.variables ?? {});
      }),
    );
  });
}

/** The visible text of an element, with the editor's non-breaking spaces made plain. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\u00a0/g, " ");
}
