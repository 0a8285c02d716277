/** Peer of the snapshot path: raw node:http answering every request with the exact bytes the gateway answered. */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serveRpc } from "../lib/rpc.js";

const body = readFileSync(process.env.BENCH_BODY_FILE!);
const server = http.createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
    response.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
  serveRpc({ info: () => ({ origin: `http://127.0.0.1:${port}` }) });
});
