import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeFindings, scanCapturedLogs, scanLogText } from "../support/log-scan.js";

const line = (msg: string) => JSON.stringify({ level: 30, time: 1, msg });

describe("the suite-wide log scanner", () => {
  it("finds nothing in clean lines, including redacted ones and prose about tokens", () => {
    const clean = [
      line("gateway listening"),
      line("a Bearer token is required"),
      JSON.stringify({ level: 40, headers: { authorization: "[redacted]" }, msg: "refused: Bearer [redacted]" }),
      JSON.stringify({ level: 30, itemId: "Xy7rWm2kQ9bN4pL8vT1sZc3dF6gH0jK5aE", keyId: "k3f9a0c2b71de", msg: "token sealed" }),
      line("access-sandbox-not-a-uuid"),
    ].join("\n");
    expect(scanLogText(clean, "clean.log", ["a-registered-secret-value"])).toEqual([]);
  });

  it.each([
    ["an access token", `access-sandbox-${randomUUID()}`, "plaid-token"],
    ["a public token", `public-production-${randomUUID()}`, "plaid-token"],
    ["a link token", `link-development-${randomUUID()}`, "plaid-token"],
    ["a bearer JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl", "jwt"],
    ["an unsigned JWT", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.", "jwt"],
    ["an opaque bearer credential", "authorization: Bearer 9f8e7d6c5b4a39281706abcdef", "bearer-token"],
    ["a lower-case bearer credential", "bearer 0a1b2c3d4e5f6a7b8c9d", "bearer-token"],
  ] as const)("catches %s and names its line, not its value", (_what, leaked, kind) => {
    const text = [line("first"), line(`oops ${leaked} here`), line("third")].join("\n");
    const findings = scanLogText(text, "sample.log");
    expect(findings).toContainEqual({ file: "sample.log", line: 2, kind });
    expect(findings.every((f) => f.line === 2)).toBe(true);
    expect(describeFindings(findings)).toContain("sample.log:2: ");
    expect(describeFindings(findings)).not.toContain(leaked);
  });

  it("catches a registered secret (a configured key, the Plaid secret, an issued token) anywhere in a line", () => {
    const plaidSecret = `sec${randomBytes(12).toString("hex")}`;
    const tokenKey = randomBytes(32).toString("hex");
    const text = [line("ok"), JSON.stringify({ config: { PLAID_SECRET: plaidSecret } }), line("ok"), `prefix${tokenKey}suffix`].join("\n");
    const findings = scanLogText(text, "run.log", [plaidSecret, tokenKey, "short"]);
    expect(findings).toEqual([
      { file: "run.log", line: 2, kind: "registered-secret" },
      { file: "run.log", line: 4, kind: "registered-secret" },
    ]);
    expect(describeFindings(findings)).not.toMatch(new RegExp(`${plaidSecret}|${tokenKey}`));
  });

  describe("over captured files", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "log-scan-"));
    const dirs = { logs: path.join(dir, "logs"), secrets: path.join(dir, "secrets") };
    mkdirSync(dirs.logs);
    mkdirSync(dirs.secrets);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("pairs each log with its own secrets file and keeps to one run's files", () => {
      const secret = randomBytes(16).toString("hex");
      writeFileSync(path.join(dirs.logs, "runA-1.log"), [line("one"), line(`leak ${secret}`)].join("\n") + "\n");
      writeFileSync(path.join(dirs.secrets, "runA-1.json"), JSON.stringify({ secrets: [secret] }));
      writeFileSync(path.join(dirs.logs, "runA-2.log"), line(`token access-sandbox-${randomUUID()}`) + "\n");
      writeFileSync(path.join(dirs.logs, "runB-1.log"), line(`Bearer ${"a1".repeat(20)}`) + "\n");

      const runA = scanCapturedLogs("runA", dirs);
      expect(runA.files).toBe(2);
      expect(runA.findings).toEqual([
        { file: path.join(dirs.logs, "runA-1.log"), line: 2, kind: "registered-secret" },
        { file: path.join(dirs.logs, "runA-2.log"), line: 1, kind: "plaid-token" },
      ]);
      expect(scanCapturedLogs("runB", dirs).findings).toEqual([{ file: path.join(dirs.logs, "runB-1.log"), line: 1, kind: "bearer-token" }]);
      expect(scanCapturedLogs("runC", dirs)).toEqual({ files: 0, findings: [] });
    });
  });
});
