/** Helpers shared by the simulator tests: a local webhook receiver and short-hands for common Plaid flows. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Configuration, PlaidApi } from "plaid";
import type { SimulatorHarness } from "../support/simulator-harness.js";

export interface ReceivedWebhook {
  rawBody: string;
  headers: IncomingHttpHeaders;
  json: any;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once at least `count` webhooks arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** An HTTP receiver; `respond` picks the status for the n-th webhook (0-based) and may delay its answer. */
export async function startWebhookReceiver(respond: (index: number, webhook: ReceivedWebhook) => number | Promise<number> = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let json: unknown = undefined;
      try {
        json = JSON.parse(rawBody);
      } catch {
        json = undefined;
      }
      const webhook = { rawBody, headers: req.headers, json };
      received.push(webhook);
      const status = await respond(received.length - 1, webhook);
      if (!res.destroyed) res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/plaid/webhooks`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, received ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value (rejects after `timeoutMs`). */
export async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}

export interface LinkedItem {
  access_token: string;
  item_id: string;
  user_id?: string;
}

export interface LinkItemOptions {
  institution_id?: string;
  initial_products?: string[];
  webhook?: string;
  user_id?: string;
}

/** Creates an Item through /sandbox/public_token/create and exchanges its public_token. */
export async function linkSandboxItem(h: SimulatorHarness, opts: LinkItemOptions = {}): Promise<LinkedItem> {
  const created = await h.plaid("/sandbox/public_token/create", {
    institution_id: opts.institution_id ?? "ins_109508",
    initial_products: opts.initial_products ?? ["transactions"],
    ...(opts.webhook ? { options: { webhook: opts.webhook } } : {}),
    ...(opts.user_id ? { user_id: opts.user_id } : {}),
  });
  if (created.status !== 200) throw new Error(`sandbox public token: ${JSON.stringify(created.body)}`);
  const exchanged = await h.plaid("/item/public_token/exchange", { public_token: created.body.public_token });
  if (exchanged.status !== 200) throw new Error(`exchange: ${JSON.stringify(exchanged.body)}`);
  return { access_token: exchanged.body.access_token, item_id: exchanged.body.item_id, user_id: opts.user_id };
}

export async function createUser(h: SimulatorHarness, clientUserId: string): Promise<string> {
  const res = await h.plaid("/user/create", { client_user_id: clientUserId });
  if (res.status !== 200) throw new Error(`user create: ${JSON.stringify(res.body)}`);
  return res.body.user_id as string;
}

export const linkTokenBase = {
  client_name: "Gateway Tests",
  language: "en",
  country_codes: ["US"],
  user: { client_user_id: "user-1" },
};

/** An update-mode link_token for the Item. */
export async function updateLinkToken(h: SimulatorHarness, accessToken: string, extra: object = {}): Promise<string> {
  const res = await h.plaid("/link/token/create", { ...linkTokenBase, access_token: accessToken, ...extra });
  if (res.status !== 200) throw new Error(`link token: ${JSON.stringify(res.body)}`);
  return res.body.link_token as string;
}

/** The official Plaid client pointed at the simulator, as the gateway configures it. */
export function plaidClient(h: SimulatorHarness): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath: h.url,
      baseOptions: { headers: { "PLAID-CLIENT-ID": h.clientId, "PLAID-SECRET": h.secret } },
    }),
  );
}

export const REQUEST_ID = /^[A-Za-z0-9]{15}$/;
export const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const PLAID_ID = /^[A-Za-z0-9]{37}$/;
