import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { runCommand } from "./proc.js";
import { repoRoot } from "./rpc.js";

/** Where a commit is built apart: inside node_modules, so packages resolve and no checker looks at it. */
const COMMIT_DIR = path.join(repoRoot, "node_modules", ".cache", "plaid-gateway-bench-commit");

/**
 * Builds the gateway and answers the folder holding its dist/ and schema.graphql: the working tree with
 * `npm run build`, or a commit's files exported with `git archive` and built apart (for a shared working
 * tree whose src/ holds changes that are not committed yet).
 */
export async function buildGateway(commit: string | null): Promise<string> {
  if (commit === null) {
    await runCommand("npm", ["run", "-s", "build"], { cwd: repoRoot, timeoutMs: 300_000 });
    return repoRoot;
  }
  rmSync(COMMIT_DIR, { recursive: true, force: true });
  mkdirSync(COMMIT_DIR, { recursive: true });
  const files = "package.json tsconfig.json tsconfig.build.json schema.graphql src scripts generated";
  await runCommand("sh", ["-c", `git archive --format=tar "$0" ${files} | tar -x -C "${COMMIT_DIR}"`, commit], { cwd: repoRoot, timeoutMs: 60_000 });
  await runCommand(path.join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", path.join(COMMIT_DIR, "tsconfig.build.json")], { cwd: COMMIT_DIR, timeoutMs: 300_000 });
  await runCommand(process.execPath, ["--import", "tsx", "scripts/bundle-browser.ts"], { cwd: COMMIT_DIR, timeoutMs: 120_000 });
  return COMMIT_DIR;
}
