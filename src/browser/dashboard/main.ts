/**
 * The live Item dashboard (served as /assets/dashboard.js). No framework: it signs in with a bearer
 * token, lists the viewer's Items (admins: every Item) and keeps the table current from the
 * `itemStatusChanged` subscription; with the Sandbox actions on, each row can reset the login, fire a
 * webhook and complete update mode, and for admins each row can rotate the Item's access token.
 * Everything the page shows is written as text, never as HTML.
 */
import { graphqlEndpoint } from "../graphql-over-http.js";
import { readDashboardConfig } from "./dashboard-config.js";
import { byId } from "./dom.js";
import { ItemTable } from "./item-table.js";
import { showLiveState } from "./page-status.js";
import { wireSandboxActions } from "./sandbox-actions.js";
import { Session } from "./session.js";

const config = readDashboardConfig();
const table = new ItemTable(config);
const session = new Session(graphqlEndpoint(config.endpoint), table);
const tokenField = byId<HTMLTextAreaElement>("token");

byId("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = tokenField.value.trim().replace(/^Bearer\s+/i, "");
  if (token) void session.signIn(token);
});
byId("sign-out").addEventListener("click", () => session.signOut(""));
wireSandboxActions(config, table, () => session.gateway);

showLiveState("offline", null);
if (tokenField.value.trim()) byId("signin-button").focus();
