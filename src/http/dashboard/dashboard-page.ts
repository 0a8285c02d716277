import { escapeHtml, renderPageDocument } from "../page-assets.js";

export interface DashboardPageConfig {
  endpoint: string;
  /** A bearer token to pre-fill the sign-in form with (embedded default only), or null. */
  developmentToken: string | null;
  /** sandboxCreateItem, sandboxResetLogin and sandboxFireWebhook (PLAID_ENV sandbox or simulator). */
  sandboxActions: boolean;
  /** The gateway route that finishes Link for an update-mode link token (simulator only), or null. */
  linkCompletePath: string | null;
  webhookCodes: readonly string[];
  institutions: ReadonlyArray<{ id: string; name: string }>;
  /** Where the GraphiQL page is, when it is on. */
  graphiqlPath: string | null;
}

export interface DashboardAssetUrls {
  css: string;
  script: string;
}

/** The dashboard's HTML: static markup, its configuration as a JSON data block, and its same-origin script. */
export function renderDashboardPage(config: DashboardPageConfig, urls: DashboardAssetUrls): string {
  const clientConfig = {
    endpoint: config.endpoint,
    sandboxActions: config.sandboxActions,
    linkCompletePath: config.linkCompletePath,
    webhookCodes: config.webhookCodes,
  };
  const institutions = config.institutions.map((i) => `<option value="${escapeHtml(i.id)}">${escapeHtml(i.name)}</option>`).join("");
  const body = `    <header>
      <h1>Plaid Item Gateway · Items</h1>
      <span id="live-status" data-state="offline" aria-live="polite">offline</span>
      <nav>${config.graphiqlPath ? `<a href="${escapeHtml(config.graphiqlPath)}">GraphiQL</a>` : ""}</nav>
    </header>
    <section id="signin">
      <form id="signin-form" autocomplete="off">
        <label for="token"><strong>Bearer token</strong></label>
        <textarea id="token" name="token" spellcheck="false" placeholder="eyJhbGciOi…">${escapeHtml(config.developmentToken ?? "")}</textarea>
        <p class="hint">${
          config.developmentToken
            ? "Pre-filled with this run's development token (embedded default)."
            : "Paste a token for the gateway (`npm run token -- --user alice`, or one from your identity provider)."
        } It stays in this tab's memory only.</p>
        <div><button type="submit" id="signin-button" class="primary">Sign in</button></div>
        <p id="signin-error" role="alert"></p>
      </form>
    </section>
    <main id="app" hidden>
      <div class="toolbar">
        <span class="who">Signed in as <strong id="viewer"></strong> (<span id="viewer-role"></span>) · <span id="item-count">0 Items</span></span>
        ${
          config.sandboxActions
            ? `<select id="institution" aria-label="Institution">${institutions}</select>
        <button type="button" id="create-item" class="primary">Create Item</button>`
            : ""
        }
        <button type="button" id="sign-out">Sign out</button>
      </div>
      <p id="message" role="status"></p>
      <table>
        <thead>
          <tr>
            <th>Item</th>
            <th class="owner">Owner</th>
            <th>Institution</th>
            <th>Status</th>
            <th>Recommended action</th>
            <th>Last change</th>
            <th title="When the gateway last confirmed the Item with Plaid">Last confirmed</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody id="item-rows"></tbody>
      </table>
      <p id="empty">No Items yet.</p>
      <section id="events">
        <h2>Live events</h2>
        <ol id="event-log"></ol>
      </section>
    </main>`;
  return renderPageDocument({
    title: "Items · Plaid Item Gateway",
    iconUrl: "data:,",
    stylesheetUrl: urls.css,
    body,
    config: { elementId: "dashboard-config", value: clientConfig },
    scriptUrls: [urls.script],
  });
}
