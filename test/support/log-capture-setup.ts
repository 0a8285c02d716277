/**
 * vitest globalSetup: gives the run an id the gateway harness names its captured log and secrets
 * files with, and after the whole run scans them (see log-scan.ts). A leak fails the run with the file
 * and line of each finding; a clean run's capture files are removed.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { describeFindings, LOG_CAPTURE_DIR, scanCapturedLogs, SECRETS_CAPTURE_DIR } from "./log-scan.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Prefix of this run's capture files under test-output/ (concurrent runs keep apart). */
    logCaptureRun: string;
  }
}

export default function setup(project: TestProject) {
  const runId = `run${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
  mkdirSync(LOG_CAPTURE_DIR, { recursive: true });
  mkdirSync(SECRETS_CAPTURE_DIR, { recursive: true });
  project.provide("logCaptureRun", runId);

  return function teardown() {
    const { findings } = scanCapturedLogs(runId);
    if (findings.length > 0) {
      process.exitCode = 1;
      throw new Error(`Secrets found in the captured gateway logs of this run:\n${describeFindings(findings)}`);
    }
    for (const dir of [LOG_CAPTURE_DIR, SECRETS_CAPTURE_DIR]) {
      for (const name of readdirSync(dir)) if (name.startsWith(`${runId}-`)) rmSync(path.join(dir, name), { force: true });
    }
  };
}
