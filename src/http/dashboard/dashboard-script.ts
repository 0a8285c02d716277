/**
 * The dashboard's browser script (served as /assets/dashboard.js). No framework: it signs in with a
 * bearer token, lists the viewer's Items (admins: every Item, through `items`), and keeps the table
 * current from the `itemStatusChanged` subscription over graphql-ws (the bundled browser client,
 * global `graphqlWs`). When the connection drops it reconnects with backoff and resumes with `after`
 * set to the last event's cursor, so no change is missed; before any event it reloads the list instead.
 * With the sandbox actions on, each row can reset the login, fire a webhook and complete update mode.
 *
 * Everything the page shows is written with textContent, never as HTML. The token stays in memory.
 * Plain ES2019 in a string: it runs in the browser as is.
 */
export const DASHBOARD_SCRIPT = String.raw`(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("dashboard-config").textContent);
  var ITEM_FIELDS = "id status recommendedAction statusChangedAt institution { id name } owner { clientUserId } error { errorCode }";
  var LIVE = "subscription DashboardLive($after: String) { itemStatusChanged(after: $after) { cursor itemId previousStatus status cause occurredAt item { " + ITEM_FIELDS + " } } }";
  var MAX_EVENTS = 50;
  var endpoint = new URL(config.endpoint, location.href);
  var wsUrl = (endpoint.protocol === "https:" ? "wss:" : "ws:") + "//" + endpoint.host + endpoint.pathname;

  var state = {
    token: null,
    admin: false,
    items: new Map(),
    cursor: null,
    client: null,
    generation: 0,
    retries: 0,
    reloadOnConnect: false,
    reconnectTimer: null,
  };

  function $(id) {
    return document.getElementById(id);
  }

  function node(tag, props, children) {
    var element = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") element.textContent = props[key];
      else if (key === "className") element.className = props[key];
      else if (key.indexOf("data-") === 0 || key === "type" || key === "title" || key === "aria-label" || key === "datetime") element.setAttribute(key, props[key]);
      else element[key] = props[key];
    });
    (children || []).forEach(function (child) {
      element.appendChild(child);
    });
    return element;
  }

  function say(text, kind) {
    var message = $("message");
    message.textContent = text || "";
    message.setAttribute("data-kind", kind || "info");
  }

  // GraphQL over HTTP: resolves with data, rejects with the first error (its code in error.code).
  function graphql(query, variables) {
    return fetch(endpoint.toString(), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", authorization: "Bearer " + state.token },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    }).then(function (response) {
      return response.text().then(function (text) {
        var body;
        try {
          body = JSON.parse(text);
        } catch (parseError) {
          throw new Error("HTTP " + response.status);
        }
        if (body.errors && body.errors.length) {
          var error = new Error(body.errors[0].message);
          error.code = body.errors[0].extensions && body.errors[0].extensions.code;
          throw error;
        }
        return body.data;
      });
    });
  }

  // ---- the table ----

  function formatTime(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? iso : date.toLocaleString();
  }

  function actionsFor(item) {
    var buttons = node("div", { className: "buttons" });
    var cell = node("td", { className: "actions" }, [buttons]);
    if (item.status === "REMOVED") return cell;
    if (config.sandboxActions) {
      buttons.appendChild(node("button", { type: "button", className: "reset-login", text: "Reset login", "data-action": "reset-login" }));
      var select = node("select", { className: "webhook-code", "aria-label": "Webhook code" });
      config.webhookCodes.forEach(function (code) {
        select.appendChild(node("option", { value: code, text: code }));
      });
      buttons.appendChild(select);
      buttons.appendChild(node("button", { type: "button", className: "fire-webhook", text: "Fire webhook", "data-action": "fire-webhook" }));
    }
    if (config.simulatorLink) {
      buttons.appendChild(node("button", { type: "button", className: "complete-update", text: "Complete update", "data-action": "complete-update" }));
    }
    return cell;
  }

  function renderRow(item) {
    var row = node("tr", { "data-item-id": item.id, "data-status": item.status }, [
      node("td", { className: "item-id", text: item.id }),
      node("td", { className: "owner", text: item.owner ? item.owner.clientUserId : "" }),
      node("td", { className: "institution", text: item.institution ? item.institution.name || item.institution.id : "" }),
      node("td", { className: "status" }, [node("span", { className: "badge", "data-status": item.status, text: item.status })]),
      node("td", { className: "recommended-action", text: item.recommendedAction }),
      node("td", { className: "changed" }, [node("time", { datetime: item.statusChangedAt, text: formatTime(item.statusChangedAt) })]),
      actionsFor(item),
    ]);
    if (item.error) row.title = item.error.errorCode;
    return row;
  }

  // Newest status change first, as the gateway lists them.
  function sortedItems() {
    return Array.from(state.items.values()).sort(function (a, b) {
      return new Date(b.statusChangedAt).getTime() - new Date(a.statusChangedAt).getTime() || (a.id < b.id ? -1 : 1);
    });
  }

  function render() {
    var body = $("item-rows");
    var rows = sortedItems().map(renderRow);
    // Keep the webhook code each row had picked.
    rows.forEach(function (row) {
      var old = body.querySelector('tr[data-item-id="' + CSS.escape(row.getAttribute("data-item-id")) + '"] select.webhook-code');
      var select = row.querySelector("select.webhook-code");
      if (old && select) select.value = old.value;
    });
    body.replaceChildren.apply(body, rows);
    $("empty").hidden = rows.length > 0;
    $("item-count").textContent = rows.length === 1 ? "1 Item" : rows.length + " Items";
  }

  // Keeps the newer of what is shown and what arrived (a list answer can be older than a live event).
  function upsert(item) {
    var shown = state.items.get(item.id);
    if (shown && new Date(shown.statusChangedAt).getTime() > new Date(item.statusChangedAt).getTime()) return false;
    state.items.set(item.id, item);
    return true;
  }

  // Loads the list; resolves with the cursor of the newest event among the listed Items (null for none).
  function loadItems() {
    var fields = ITEM_FIELDS + " history(first: 1) { edges { node { cursor occurredAt } } }";
    var query = state.admin
      ? "query DashboardItems($after: String) { items(first: 100, after: $after) { edges { node { " + fields + " } } pageInfo { hasNextPage endCursor } } }"
      : "query DashboardViewerItems { viewer { items { " + fields + " } } }";
    function page(after, collected, pages) {
      return graphql(query, after ? { after: after } : {}).then(function (data) {
        if (!state.admin) return data.viewer.items;
        var items = collected.concat(
          data.items.edges.map(function (edge) {
            return edge.node;
          }),
        );
        return data.items.pageInfo.hasNextPage && pages < 20 ? page(data.items.pageInfo.endCursor, items, pages + 1) : items;
      });
    }
    return page(null, [], 1).then(function (items) {
      var newest = null;
      items.forEach(function (item) {
        var last = item.history && item.history.edges[0] && item.history.edges[0].node;
        if (last && (!newest || new Date(last.occurredAt).getTime() >= new Date(newest.occurredAt).getTime())) newest = last;
        delete item.history;
        upsert(item);
      });
      render();
      return newest ? newest.cursor : null;
    });
  }

  // ---- live updates ----

  function setLive(live) {
    var badge = $("live-status");
    badge.setAttribute("data-state", live);
    badge.textContent = live;
    if (state.cursor) badge.setAttribute("data-cursor", state.cursor);
  }

  function logEvent(event) {
    var log = $("event-log");
    var text = event.itemId + ": " + (event.previousStatus || "new") + " \u2192 " + event.status + " (" + event.cause + ")";
    log.insertBefore(
      node("li", { "data-cursor": event.cursor, "data-item-id": event.itemId, "data-status": event.status, "data-cause": event.cause }, [
        node("time", { datetime: event.occurredAt, text: formatTime(event.occurredAt) }),
        node("span", { text: " " + text }),
      ]),
      log.firstChild,
    );
    while (log.children.length > MAX_EVENTS) log.removeChild(log.lastChild);
  }

  function applyEvent(event) {
    state.cursor = event.cursor;
    $("live-status").setAttribute("data-cursor", event.cursor);
    logEvent(event);
    var item = event.item || { id: event.itemId, status: event.status, statusChangedAt: event.occurredAt, recommendedAction: "", institution: null, owner: null, error: null };
    if (upsert(item)) render();
  }

  function isClosedForAuth(reason) {
    return reason && typeof reason.code === "number" && (reason.code === 4401 || reason.code === 4403);
  }

  function startLive() {
    var generation = ++state.generation;
    // Without a cursor, events before the subscription is in place would be missed: reload the list once connected.
    if (!state.cursor) state.reloadOnConnect = true;
    var variables = state.cursor ? { after: state.cursor } : {};
    setLive(state.retries > 0 ? "reconnecting" : "connecting");
    var client = graphqlWs.createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: 0,
      keepAlive: 15000,
      connectionParams: { authorization: "Bearer " + state.token },
      on: {
        connected: function () {
          if (generation !== state.generation) return;
          state.retries = 0;
          setLive("live");
          if (state.reloadOnConnect) {
            state.reloadOnConnect = false;
            loadItems()
              .then(function (newest) {
                if (!state.cursor && newest) {
                  state.cursor = newest;
                  $("live-status").setAttribute("data-cursor", newest);
                }
              })
              .catch(function (error) {
                say("Could not reload the Items: " + error.message, "error");
              });
          }
        },
        closed: function (event) {
          dropped(generation, client, event);
        },
      },
    });
    state.client = client;
    client.subscribe(
      { query: LIVE, variables: variables },
      {
        next: function (result) {
          if (generation !== state.generation) return;
          if (result.errors && result.errors.length) {
            say(result.errors[0].message, "error");
            return;
          }
          applyEvent(result.data.itemStatusChanged);
        },
        error: function (error) {
          if (Array.isArray(error)) {
            // The gateway refused the subscription (an unknown or too old cursor): start over from the list.
            if (generation === state.generation) {
              say("Live updates restarted: " + (error[0] && error[0].message), "error");
              state.cursor = null;
            }
          }
          dropped(generation, client, error);
        },
        complete: function () {
          dropped(generation, client, null);
        },
      },
    );
  }

  // The connection ended: reconnect with backoff (resuming after the last cursor), or sign out when the token is refused.
  function dropped(generation, client, reason) {
    if (generation !== state.generation) return;
    state.generation++;
    client.dispose();
    if (isClosedForAuth(reason)) {
      signOut("The gateway closed the live connection: " + (reason.reason || "token refused or expired") + ". Sign in again.");
      return;
    }
    setLive("reconnecting");
    var delay = Math.min(15000, 250 * Math.pow(2, state.retries++));
    state.reconnectTimer = setTimeout(function () {
      state.reconnectTimer = null;
      if (state.token) startLive();
    }, delay);
  }

  function stopLive() {
    state.generation++;
    if (state.reconnectTimer) clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    if (state.client) state.client.dispose();
    state.client = null;
  }

  // ---- sign in and out ----

  function signIn(token) {
    state.token = token;
    $("signin-error").textContent = "";
    $("signin-button").disabled = true;
    graphql("query DashboardViewer { viewer { clientUserId } }")
      .then(function (data) {
        $("viewer").textContent = data.viewer.clientUserId;
        // Admins see every Item through items; everyone else gets FORBIDDEN there and sees their own.
        return graphql("query DashboardAdminCheck { items(first: 1) { totalCount } }").then(
          function () {
            state.admin = true;
          },
          function (error) {
            if (error.code !== "FORBIDDEN") throw error;
            state.admin = false;
          },
        );
      })
      .then(function () {
        $("viewer-role").textContent = state.admin ? "admin: every Item" : "your Items";
        document.body.setAttribute("data-admin", String(state.admin));
        $("signin").hidden = true;
        $("app").hidden = false;
        state.cursor = null;
        state.retries = 0;
        state.items = new Map();
        // The list first, then live events after the newest one it reflects: nothing falls in between.
        return loadItems().then(function (newest) {
          if (!state.cursor) state.cursor = newest;
          startLive();
        });
      })
      .catch(function (error) {
        stopLive();
        state.token = null;
        $("signin").hidden = false;
        $("app").hidden = true;
        $("signin-error").textContent = error.message;
      })
      .then(function () {
        $("signin-button").disabled = false;
      });
  }

  function signOut(reason) {
    stopLive();
    state.token = null;
    state.items = new Map();
    state.cursor = null;
    render();
    $("event-log").replaceChildren();
    setLive("offline");
    $("app").hidden = true;
    $("signin").hidden = false;
    $("signin-error").textContent = reason || "";
  }

  $("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var token = $("token").value.trim().replace(/^Bearer\s+/i, "");
    if (token) signIn(token);
  });
  $("sign-out").addEventListener("click", function () {
    signOut("");
  });

  // ---- sandbox actions ----

  function busy(button, work) {
    button.disabled = true;
    return work()
      .catch(function (error) {
        say(error.message, "error");
      })
      .then(function () {
        button.disabled = false;
      });
  }

  if (config.sandboxActions) {
    $("create-item").addEventListener("click", function (event) {
      var institutionId = $("institution").value || null;
      busy(event.currentTarget, function () {
        return graphql("mutation DashboardCreateItem($institutionId: String) { sandboxCreateItem(institutionId: $institutionId) { " + ITEM_FIELDS + " } }", { institutionId: institutionId }).then(function (data) {
          if (upsert(data.sandboxCreateItem)) render();
          say("Created Item " + data.sandboxCreateItem.id, "info");
        });
      });
    });
  }

  function completeUpdate(itemId) {
    return graphql("mutation DashboardUpdateLinkToken($itemId: ID!) { createUpdateLinkToken(input: { itemId: $itemId }) { linkToken } }", { itemId: itemId })
      .then(function (data) {
        // The user finishing Link in update mode, played by the simulator.
        return fetch(config.linkCompletePath, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer " + state.token },
          body: JSON.stringify({ linkToken: data.createUpdateLinkToken.linkToken }),
        }).then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) throw new Error(body.error || "HTTP " + response.status);
          });
        });
      })
      .then(function () {
        return graphql("mutation DashboardCompleteUpdate($itemId: ID!) { completeUpdate(itemId: $itemId) { " + ITEM_FIELDS + " } }", { itemId: itemId });
      })
      .then(function (data) {
        if (upsert(data.completeUpdate)) render();
        say("Update mode completed for " + itemId + ": " + data.completeUpdate.status, "info");
      });
  }

  $("item-rows").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var row = button.closest("tr");
    var itemId = row.getAttribute("data-item-id");
    var action = button.getAttribute("data-action");
    if (action === "reset-login") {
      busy(button, function () {
        return graphql("mutation DashboardResetLogin($itemId: ID!) { sandboxResetLogin(itemId: $itemId) }", { itemId: itemId }).then(function () {
          say("Plaid now requires a new login for " + itemId + "; its webhook will update the row", "info");
        });
      });
    } else if (action === "fire-webhook") {
      var code = row.querySelector("select.webhook-code").value;
      busy(button, function () {
        return graphql("mutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) { sandboxFireWebhook(itemId: $itemId, code: $code) }", { itemId: itemId, code: code }).then(function () {
          say("Fired " + code + " for " + itemId, "info");
        });
      });
    } else if (action === "complete-update") {
      busy(button, function () {
        return completeUpdate(itemId);
      });
    }
  });

  setLive("offline");
  if ($("token").value.trim()) $("signin-button").focus();
})();
`;
