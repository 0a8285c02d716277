/**
 * Peer of the live path: a bare `ws` server that speaks just enough graphql-ws (connection_ack) and, on
 * POST /broadcast, sends one pre-serialised `next` frame to every client.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { WebSocketServer } from "ws";
import { serveRpc } from "../lib/rpc.js";

const ACK = JSON.stringify({ type: "connection_ack" });

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    if (request.method !== "POST" || request.url !== "/broadcast") {
      response.writeHead(404).end();
      return;
    }
    const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    const started = performance.now();
    const frame = JSON.stringify({ id: "1", type: "next", payload: { data: { itemStatusChanged: event } } });
    let sent = 0;
    for (const client of wss.clients) {
      client.send(frame);
      sent += 1;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sent, loopMs: performance.now() - started }));
  });
});
const wss = new WebSocketServer({ server, path: "/graphql", perMessageDeflate: false });
wss.on("connection", (socket) => {
  socket.on("message", (data) => {
    if (data.toString().includes('"connection_init"')) socket.send(ACK);
  });
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.on("SIGTERM", () => process.exit(0));
  serveRpc({ info: () => ({ origin: `http://127.0.0.1:${port}` }) });
});
