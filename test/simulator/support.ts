/** What the simulator suites share: a simulator per suite, a local webhook receiver and short-hands for common Plaid flows. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { text } from "node:stream/consumers";
import { Configuration, PlaidApi, type PlaidError } from "plaid";
import { expectNoFidelityViolations, startTestSimulator, type SimulatorHarness, type TestSimulatorOptions } from "../support/simulator-harness.js";
import { useInSuite } from "../support/suite-fixture.js";
import { waitUntil } from "../support/wait-until.js";

/** A webhook body: the fields every Item webhook has, and whatever its code adds. */
export interface WebhookJson {
  webhook_type: string;
  webhook_code: string;
  item_id?: string;
  error?: PlaidError | null;
  [field: string]: unknown;
}

export interface ReceivedWebhook {
  rawBody: string;
  headers: IncomingHttpHeaders;
  json: WebhookJson;
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
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const rawBody = await text(req);
    const webhook = { rawBody, headers: req.headers, json: JSON.parse(rawBody) as WebhookJson };
    received.push(webhook);
    const status = await respond(received.length - 1, webhook);
    if (!res.destroyed) res.writeHead(status).end();
  };
  const server = createServer((req, res) => {
    // A body that is not JSON is refused, as a receiver that cannot read a webhook would.
    answer(req, res).catch(() => {
      if (!res.destroyed) res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/plaid/webhooks`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      await waitUntil(() => received.length >= count, { timeoutMs, what: `${count} webhooks` });
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A simulator for the whole suite; when the suite ends, everything it answered must have kept to Plaid's spec. */
export function useSimulator(options: TestSimulatorOptions = {}): SimulatorHarness {
  return useInSuite(
    "the simulator",
    () => startTestSimulator(options),
    async (h) => {
      try {
        expectNoFidelityViolations(h);
      } finally {
        await h.close();
      }
    },
  );
}

/** A webhook receiver answering 200 for the whole suite. */
export function useWebhookReceiver(): WebhookReceiver {
  return useInSuite(
    "the webhook receiver",
    () => startWebhookReceiver(),
    (receiver) => receiver.close(),
  );
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

/** An account as `POST /simulator/link/complete` hands it over (Link's onSuccess metadata). */
export interface LinkAccount {
  id: string;
  name: string;
  mask: string;
  type: string;
  subtype: string | null;
}

/** An account at the bank, as `GET /simulator/items/:item_id` lists it. */
export interface BankAccount {
  account_id: string;
  shared: boolean;
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
