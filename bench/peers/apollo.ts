/**
 * Peer of the snapshot path: a bare Apollo Server 5 (startStandaloneServer) serving the gateway's own
 * schema.graphql, answering `viewer` from memory with the same data the gateway returned.
 */
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { readFileSync } from "node:fs";
import { serveRpc } from "../lib/rpc.js";

async function main(): Promise<void> {
  const typeDefs = readFileSync(process.env.BENCH_SCHEMA_FILE!, "utf8");
  const viewer = (JSON.parse(readFileSync(process.env.BENCH_DATA_FILE!, "utf8")) as { data: { viewer: unknown } }).data.viewer;
  const server = new ApolloServer({ typeDefs, resolvers: { Query: { viewer: () => viewer } } });
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
  process.on("SIGTERM", () => void server.stop().finally(() => process.exit(0)));
  serveRpc({ info: () => ({ origin: new URL(url).origin }) });
}

void main();
