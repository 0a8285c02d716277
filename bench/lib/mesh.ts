import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as yaml from "js-yaml";
import type { BenchContext } from "./context.js";
import { freePort, runCommand, spawnProc, type Proc } from "./proc.js";
import { benchRoot, repoRoot } from "./rpc.js";
import { log, waitFor } from "./util.js";

const meshDir = path.join(benchRoot, "peers", "mesh");
const SPEC = path.join(repoRoot, "test", "fixtures", "plaid-openapi-2020-09-14.yml");

function binOf(pkg: string, name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(meshDir, "node_modules", pkg, "package.json"), "utf8")) as { bin: Record<string, string> };
  return path.join(meshDir, "node_modules", pkg, manifest.bin[name]!);
}

/** Installs the Mesh peer into bench/peers/mesh (its own package.json and lock) the first time it is needed. */
export async function ensureMeshInstalled(): Promise<void> {
  if (existsSync(path.join(meshDir, "node_modules", "@graphql-hive", "gateway", "package.json"))) return;
  log("installing the GraphQL Mesh peer (npm ci --prefix bench/peers/mesh; once)");
  await runCommand("npm", ["ci", "--prefix", meshDir, "--no-audit", "--no-fund"], { cwd: repoRoot, timeoutMs: 900_000 });
}

interface OpenApiDocument {
  openapi: string;
  info: unknown;
  paths: Record<string, unknown>;
  components: { schemas: Record<string, unknown>; securitySchemes?: unknown };
}

/** Plaid's spec cut down to the given paths and the schemas they reference (the full spec is 3 MB). */
function cutSpec(paths: string[]): OpenApiDocument {
  const spec = yaml.load(readFileSync(SPEC, "utf8")) as OpenApiDocument;
  const out: OpenApiDocument = { openapi: spec.openapi, info: spec.info, paths: {}, components: { schemas: {}, securitySchemes: spec.components.securitySchemes } };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    delete record.example;
    delete record.examples;
    for (const [key, value] of Object.entries(record)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")) {
        const name = value.slice("#/components/schemas/".length);
        if (!(name in out.components.schemas)) {
          out.components.schemas[name] = spec.components.schemas[name];
          visit(spec.components.schemas[name]);
        }
      } else visit(value);
    }
  };
  for (const p of paths) {
    out.paths[p] = spec.paths[p];
    visit(spec.paths[p]);
  }
  return out;
}

/** Composes the supergraph (mesh-compose) from the cut spec, in the run's folder; answers its path. */
export async function composeMesh(ctx: BenchContext): Promise<string> {
  const workDir = path.join(ctx.runDir, "mesh");
  mkdirSync(workDir, { recursive: true });
  const spec = path.join(workDir, "plaid-openapi.json");
  writeFileSync(spec, JSON.stringify(cutSpec(["/accounts/get"])));
  const out = path.join(workDir, "supergraph.graphql");
  await runCommand(process.execPath, [binOf("@graphql-mesh/compose-cli", "mesh-compose"), "-c", "mesh.config.mjs", "-o", out], {
    cwd: meshDir,
    env: { ...process.env, BENCH_MESH_SPEC: spec },
    timeoutMs: 120_000,
  });
  return out;
}

/** Hive Gateway serving the supergraph, pinned to core 0 like the gateway, calling the bench's simulator. */
export async function startMesh(ctx: BenchContext, supergraph: string): Promise<{ proc: Proc; origin: string }> {
  const port = await freePort();
  const proc = spawnProc({
    name: "mesh",
    core: 0,
    command: process.execPath,
    args: [binOf("@graphql-hive/gateway", "hive-gateway"), "supergraph", supergraph, "--host", "127.0.0.1", "--port", String(port), "--fork", "1"],
    env: { ...process.env, NODE_ENV: "production", PLAID_URL: ctx.simulator.info.url, PLAID_CLIENT_ID: ctx.simulator.info.clientId, PLAID_SECRET: ctx.simulator.info.secret },
    cwd: path.dirname(supergraph),
    logDir: ctx.logDir,
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      "Hive Gateway to be ready",
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`Hive Gateway exited:\n${proc.tail()}`);
        const response = await fetch(`${origin}/readiness`).catch(() => null);
        return response?.status === 200;
      },
      60_000,
      250,
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { proc, origin };
}

export const MESH_ACCOUNTS_QUERY =
  "query Accounts($token: String!) { accountsGet(input: { access_token: $token }) { ... on AccountsGetResponse { accounts { account_id name mask } } } }";
