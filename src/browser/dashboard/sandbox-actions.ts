import {
  DashboardCompleteUpdateDocument,
  DashboardCreateItemDocument,
  DashboardFireWebhookDocument,
  DashboardResetLoginDocument,
  DashboardRotateAccessTokenDocument,
  DashboardUpdateLinkTokenDocument,
  type SandboxItemWebhookCode,
} from "../../../generated/graphql.js";
import type { DashboardConfig } from "./dashboard-config.js";
import { byId } from "./dom.js";
import type { GatewayClient } from "./gateway-client.js";
import type { ItemTable } from "./item-table.js";
import { say } from "./page-status.js";

/** Link update mode end to end: an update link token, the user finishing Link (played by the simulator), then completeUpdate. */
async function completeUpdate(client: GatewayClient, linkCompletePath: string, itemId: string, table: ItemTable): Promise<void> {
  const { createUpdateLinkToken } = await client.request(DashboardUpdateLinkTokenDocument, { itemId });
  const response = await fetch(linkCompletePath, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: client.authorization },
    body: JSON.stringify({ linkToken: createUpdateLinkToken.linkToken }),
  });
  if (!response.ok) throw new Error(errorOf(await response.text()) ?? `HTTP ${response.status}`);
  const { completeUpdate } = await client.request(DashboardCompleteUpdateDocument, { itemId });
  table.upsert(completeUpdate);
  say(`Update mode completed for ${itemId}: ${completeUpdate.status}`, "info");
}

/** The `error` of the gateway's JSON refusal; undefined for anything else (a proxy's error page, say). */
function errorOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === "string" ? body.error : undefined;
  } catch {
    return undefined;
  }
}

type RowAction = (client: GatewayClient, itemId: string, row: HTMLTableRowElement) => Promise<void>;

/**
 * The page's actions: with the Sandbox ones, create an Item, and per row reset its login, fire a webhook,
 * complete update mode; for admins, per row, rotate the Item's access token.
 */
export function wireSandboxActions(config: DashboardConfig, table: ItemTable, gateway: () => GatewayClient | null): void {
  // Runs an action as the signed-in user with its button disabled; a failure is shown as the message.
  const run = (button: HTMLButtonElement, work: (client: GatewayClient) => Promise<void>) => {
    const client = gateway();
    if (!client) return;
    button.disabled = true;
    work(client)
      .catch((error: Error) => say(error.message, "error"))
      .finally(() => (button.disabled = false));
  };

  const rowActions: Record<string, RowAction> = {
    "reset-login": async (client, itemId) => {
      await client.request(DashboardResetLoginDocument, { itemId });
      say(`Plaid now requires a new login for ${itemId}; its webhook will update the row`, "info");
    },
    "fire-webhook": async (client, itemId, row) => {
      const code = row.querySelector<HTMLSelectElement>("select.webhook-code")!.value as SandboxItemWebhookCode;
      await client.request(DashboardFireWebhookDocument, { itemId, code });
      say(`Fired ${code} for ${itemId}`, "info");
    },
    "complete-update": async (client, itemId) => {
      if (config.linkCompletePath) await completeUpdate(client, config.linkCompletePath, itemId, table);
    },
    "rotate-token": async (client, itemId) => {
      const { rotateAccessToken } = await client.request(DashboardRotateAccessTokenDocument, { itemId });
      table.upsert(rotateAccessToken);
      say(`Rotated the access token of ${itemId}: Plaid no longer accepts the old one`, "info");
    },
  };

  if (config.sandboxActions) {
    byId<HTMLButtonElement>("create-item").addEventListener("click", (event) => {
      const institutionId = byId<HTMLSelectElement>("institution").value || null;
      run(event.currentTarget as HTMLButtonElement, async (client) => {
        const { sandboxCreateItem } = await client.request(DashboardCreateItemDocument, { institutionId });
        table.upsert(sandboxCreateItem);
        say(`Created Item ${sandboxCreateItem.id}`, "info");
      });
    });
  }

  byId("item-rows").addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>("button[data-action]");
    const row = button?.closest("tr");
    const itemId = row?.getAttribute("data-item-id");
    const action = rowActions[button?.getAttribute("data-action") ?? ""];
    if (button && row && itemId && action) run(button, (client) => action(client, itemId, row));
  });
}
