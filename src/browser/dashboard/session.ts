import { DashboardAdminCheckDocument, DashboardViewerDocument } from "../../../generated/graphql.js";
import type { GraphQLEndpoint } from "../graphql-over-http.js";
import { byId } from "./dom.js";
import { clearEventLog } from "./event-log.js";
import { GatewayClient, GatewayRequestError } from "./gateway-client.js";
import { loadItemList } from "./item-list.js";
import type { ItemTable } from "./item-table.js";
import { LiveUpdates } from "./live-updates.js";
import { showLiveState } from "./page-status.js";

/** Admins see every Item through `items`; everyone else gets FORBIDDEN there and sees their own. */
async function isAdmin(client: GatewayClient): Promise<boolean> {
  try {
    await client.request(DashboardAdminCheckDocument);
    return true;
  } catch (error) {
    if (error instanceof GatewayRequestError && error.code === "FORBIDDEN") return false;
    throw error;
  }
}

function showApp(signedIn: boolean): void {
  byId("signin").hidden = signedIn;
  byId("app").hidden = !signedIn;
}

/** Signing in with a bearer token (kept in this object only, never in the browser's storage) and out again. */
export class Session {
  private client: GatewayClient | null = null;
  private live: LiveUpdates | null = null;

  constructor(
    private readonly endpoint: GraphQLEndpoint,
    private readonly table: ItemTable,
  ) {}

  /** The signed-in user's client, or null. */
  get gateway(): GatewayClient | null {
    return this.client;
  }

  async signIn(token: string): Promise<void> {
    const client = new GatewayClient(this.endpoint.http, token);
    this.client = client;
    byId("signin-error").textContent = "";
    byId<HTMLButtonElement>("signin-button").disabled = true;
    try {
      byId("viewer").textContent = (await client.request(DashboardViewerDocument)).viewer.clientUserId;
      const admin = await isAdmin(client);
      byId("viewer-role").textContent = admin ? "admin: every Item" : "your Items";
      document.body.setAttribute("data-admin", String(admin));
      showApp(true);
      this.table.clear();
      this.table.setAdmin(admin);
      // The list first, then live events after the newest one it reflects: nothing falls in between.
      // A list that arrives after this session ended (signed out, or in as someone else) is dropped.
      const reload = async () => {
        const list = await loadItemList(client, admin);
        if (this.client !== client) return null;
        this.table.upsert(...list.items);
        return list.newestCursor;
      };
      const newest = await reload();
      if (this.client !== client) return;
      this.live = new LiveUpdates(
        { url: this.endpoint.ws, authorization: client.authorization, table: this.table, reload, onTokenRefused: (message) => this.signOut(message) },
        newest,
      );
      this.live.start();
    } catch (error) {
      this.end();
      showApp(false);
      byId("signin-error").textContent = (error as Error).message;
    } finally {
      byId<HTMLButtonElement>("signin-button").disabled = false;
    }
  }

  signOut(reason: string): void {
    this.end();
    this.table.clear();
    this.table.setAdmin(false);
    clearEventLog();
    showLiveState("offline", null);
    showApp(false);
    byId("signin-error").textContent = reason;
  }

  private end(): void {
    this.live?.stop();
    this.live = null;
    this.client = null;
  }
}
