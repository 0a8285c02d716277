import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Configuration, PlaidApi, Products } from "plaid";
import { afterAll, describe, expect, it } from "vitest";
import { startPlaidSimulator } from "../../src/simulator/index.js";
import { waitUntil } from "../support/wait-until.js";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "plaid-sim-credentials-"));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PORT|HOST|DATA_DIR|PLAID_|SIMULATOR_|LOG_)/.test(key)));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm run simulator` as an operator starts it: on its own, without PLAID_CLIENT_ID and PLAID_SECRET. */
async function runSimulator(dataDir: string, port: number): Promise<{ child: ChildProcessWithoutNullStreams; stdout: () => string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "simulator"], {
    cwd: root,
    env: { ...cleanEnv, DATA_DIR: dataDir, SIMULATOR_PORT: String(port), LOG_LEVEL: "warn" },
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitUntil(() => /PLAID_SECRET/.test(out) || child.exitCode !== null, { what: "the simulator's start lines", timeoutMs: 60_000 });
  return {
    child,
    stdout: () => out,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("the simulator's credentials", () => {
  it("survive a restart of `npm run simulator`: a gateway configured with them keeps working, and the secret is never printed", async () => {
    const dataDir = path.join(dir, "shared");
    const port = await freePort();
    const first = await runSimulator(dataDir, port);
    const stateFile = path.join(dataDir, "simulator-state.json");
    let plaid: PlaidApi;
    let publicToken: string;
    let clientId: string;
    try {
      expect(first.stdout()).toContain(`Credentials are kept in ${stateFile}`);
      clientId = /PLAID_CLIENT_ID=([0-9a-f]+)/.exec(first.stdout())?.[1] ?? "";
      const saved = JSON.parse(readFileSync(stateFile, "utf8")) as { credentials: { client_id: string; secret: string } };
      expect(saved.credentials.client_id).toBe(clientId);
      expect(first.stdout()).not.toContain(saved.credentials.secret);
      plaid = new PlaidApi(
        new Configuration({
          basePath: `http://127.0.0.1:${port}`,
          baseOptions: { headers: { "PLAID-CLIENT-ID": clientId, "PLAID-SECRET": saved.credentials.secret } },
        }),
      );
      publicToken = (await plaid.sandboxPublicTokenCreate({ institution_id: "ins_109510", initial_products: [Products.Auth] })).data.public_token;
    } finally {
      await first.stop();
    }

    const second = await runSimulator(dataDir, port);
    try {
      expect(second.stdout()).toContain(`PLAID_CLIENT_ID=${clientId}\n`);
      const exchanged = await plaid.itemPublicTokenExchange({ public_token: publicToken });
      expect(exchanged.status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it("configured ones are accepted instead of the kept ones, and kept in their place", async () => {
    const stateFile = path.join(dir, "configured", "state.json");
    const made = await startPlaidSimulator({ stateFile });
    const madeCredentials = made.credentials;
    await made.close();
    const configured = await startPlaidSimulator({ stateFile, clientId: "configured-client", secret: "configured-secret" });
    await configured.close();
    expect(configured.credentials).toEqual({ clientId: "configured-client", secret: "configured-secret" });
    expect(configured.credentials).not.toEqual(madeCredentials);
    const again = await startPlaidSimulator({ stateFile });
    try {
      expect(again.credentials).toEqual({ clientId: "configured-client", secret: "configured-secret" });
      const answer = await fetch(`${again.url}/sandbox/public_token/create`, {
        method: "POST",
        headers: { "content-type": "application/json", "PLAID-CLIENT-ID": "configured-client", "PLAID-SECRET": "configured-secret" },
        body: JSON.stringify({ institution_id: "ins_109510", initial_products: ["auth"] }),
      });
      expect(answer.status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
