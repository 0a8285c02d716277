/**
 * The Plaid simulator as a process of its own, for gateways started with SIMULATOR_URL. It starts from a
 * state file holding one ES256 signing key made here, so the bench can sign webhooks with the key the
 * simulator serves at /webhook_verification_key/get, and it counts every Plaid call it answers.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { startPlaidSimulator, type SimulatorExchange } from "../../src/simulator/index.js";
import { SimulatorState } from "../../src/simulator/state.js";
import type { PersistedState } from "../../src/simulator/types.js";
import { serveRpc } from "../lib/rpc.js";

export interface SimulatorCounts {
  /** path → HTTP status → calls */
  byStatus: Record<string, Record<string, number>>;
  /** path → item_id → calls */
  byItem: Record<string, Record<string, number>>;
}

export interface SimulatorInfo {
  url: string;
  clientId: string;
  secret: string;
  kid: string;
  privateJwk: Record<string, unknown>;
}

// Saving is a full JSON dump of the state on every call: under load that would make the stand-in for Plaid the bottleneck.
SimulatorState.prototype.save = () => {};

async function main(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const privateJwk = (await exportJWK(privateKey)) as Record<string, unknown>;
  const publicJwk = await exportJWK(publicKey);
  const kid = randomBytes(16).toString("hex");
  const state: PersistedState = {
    version: 1,
    users: [],
    items: [],
    public_tokens: [],
    link_tokens: [],
    consent_events: [],
    signing_keys: [
      {
        kid,
        private_jwk: privateJwk,
        public_jwk: { kty: publicJwk.kty!, crv: publicJwk.crv!, x: publicJwk.x!, y: publicJwk.y! },
        created_at: Math.floor(Date.now() / 1000),
        expired_at: null,
      },
    ],
    current_key_id: kid,
    next_consent_seq: 1,
  };
  const stateDir = mkdtempSync(path.join(tmpdir(), "bench-simulator-"));
  const stateFile = path.join(stateDir, "state.json");
  writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });

  let counts: SimulatorCounts = { byStatus: {}, byItem: {} };
  const accessTokens = new Map<string, string>();
  const onExchange = (exchange: SimulatorExchange) => {
    const statuses = (counts.byStatus[exchange.path] ??= {});
    statuses[exchange.status] = (statuses[exchange.status] ?? 0) + 1;
    if (exchange.itemId) {
      const items = (counts.byItem[exchange.path] ??= {});
      items[exchange.itemId] = (items[exchange.itemId] ?? 0) + 1;
    }
    if (exchange.path === "/item/public_token/exchange" && exchange.status === 200) {
      const response = exchange.response as { access_token?: string; item_id?: string };
      if (response.access_token && response.item_id) accessTokens.set(response.item_id, response.access_token);
    }
  };
  const clientId = randomBytes(12).toString("hex");
  const secret = randomBytes(15).toString("hex");
  const simulator = await startPlaidSimulator({ host: "127.0.0.1", port: 0, clientId, secret, stateFile, onExchange });
  // The state is read once at start and never written again.
  rmSync(stateDir, { recursive: true, force: true });
  const info: SimulatorInfo = { url: simulator.url, clientId, secret, kid, privateJwk };

  process.on("SIGTERM", () => void simulator.close().finally(() => process.exit(0)));
  serveRpc({
    info: () => info,
    counts: () => counts,
    resetCounts: () => {
      counts = { byStatus: {}, byItem: {} };
      return true;
    },
    accessTokens: (itemIds: string[]) => itemIds.map((id) => accessTokens.get(id) ?? null),
  });
}

void main();
