/**
 * The browser script that starts GraphiQL (served as /assets/graphiql-start.js, before the GraphiQL
 * bundle). It reads the page's JSON configuration, points the editor's web workers at same-origin
 * files, and gives GraphiQL a fetcher of its own: queries and mutations are POSTed as JSON,
 * subscriptions go over graphql-ws (the bundled browser client) with the Authorization header of the
 * headers editor sent in connection_init's payload, as the gateway expects.
 *
 * Plain ES2019 in a string: it runs in the browser as is.
 */
export const GRAPHIQL_START_SCRIPT = String.raw`(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);

  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      return config.workers[label] || config.workers.editorWorkerService;
    },
  };

  var endpoint = new URL(config.endpoint, location.href);
  var wsUrl = (endpoint.protocol === "https:" ? "wss:" : "ws:") + "//" + endpoint.host + endpoint.pathname;

  /** The type of the operation that will run: "query", "mutation" or "subscription". */
  function operationType(text, operationName) {
    var operations = [];
    var depth = 0;
    var parens = 0;
    var pending = null;
    var i = 0;
    while (i < text.length) {
      var c = text[i];
      if (c === "#") {
        while (i < text.length && text[i] !== "\n") i++;
        continue;
      }
      if (c === '"') {
        if (text.slice(i, i + 3) === '"""') {
          var end = text.indexOf('"""', i + 3);
          i = end < 0 ? text.length : end + 3;
        } else {
          i++;
          while (i < text.length && text[i] !== '"' && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
          i++;
        }
        continue;
      }
      if (c === "{") {
        if (depth === 0 && pending === null) operations.push({ type: "query", name: null });
        if (depth === 0 && pending !== null) {
          operations.push(pending);
          pending = null;
        }
        depth++;
        i++;
        continue;
      }
      if (c === "}") {
        depth--;
        i++;
        continue;
      }
      if (c === "(" || c === ")") {
        parens += c === "(" ? 1 : -1;
        i++;
        continue;
      }
      if (depth === 0 && parens === 0 && /[_A-Za-z]/.test(c)) {
        var word = /^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i))[0];
        if (pending && pending.name === null && pending.type !== "fragment" && text[i - 1] !== "@") {
          pending.name = word;
        } else if (word === "query" || word === "mutation" || word === "subscription") {
          pending = { type: word, name: null };
        } else if (word === "fragment") {
          pending = { type: "fragment", name: null };
        }
        i += word.length;
        continue;
      }
      i++;
    }
    var executable = operations.filter(function (op) {
      return op.type !== "fragment";
    });
    var chosen = executable.filter(function (op) {
      return operationName ? op.name === operationName : true;
    })[0];
    return chosen ? chosen.type : "query";
  }

  function authorizationOf(headers) {
    var found = "";
    Object.keys(headers || {}).forEach(function (key) {
      if (key.toLowerCase() === "authorization") found = String(headers[key]);
    });
    return found;
  }

  var wsClient = null;
  var wsAuthorization = null;
  function wsClientFor(authorization) {
    if (wsClient && wsAuthorization === authorization) return wsClient;
    if (wsClient) wsClient.dispose();
    wsAuthorization = authorization;
    wsClient = graphqlWs.createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: 3,
      connectionParams: function () {
        return authorization ? { authorization: authorization } : {};
      },
    });
    return wsClient;
  }

  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    var payload = { query: params.query, variables: params.variables || undefined, operationName: params.operationName || undefined };
    if (operationType(params.query || "", params.operationName) === "subscription") {
      return wsClientFor(authorizationOf(headers)).iterate(payload);
    }
    var requestHeaders = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
    Object.keys(headers).forEach(function (key) {
      requestHeaders[key] = String(headers[key]);
    });
    return fetch(endpoint.toString(), { method: "POST", headers: requestHeaders, body: JSON.stringify(payload) }).then(function (response) {
      return response.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (error) {
          return { errors: [{ message: "HTTP " + response.status + ": " + text.slice(0, 500) }] };
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root"), {
      title: config.title,
      fetcher: fetcher,
      defaultTabs: config.tabs,
      headers: config.headers,
      shouldPersistHeaders: false,
    });
  });
})();
`;
