/**
 * The suite-wide leak check: every log line a test gateway wrote is captured under test-output/logs,
 * the secrets each gateway was configured with or handed out under test-output/secrets, and after the
 * whole run every line is scanned for token shapes and for those secrets. A finding names the file
 * and line and the kind of leak, never the secret itself.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const TEST_OUTPUT_DIR = path.resolve(import.meta.dirname, "../../test-output");
export const LOG_CAPTURE_DIR = path.join(TEST_OUTPUT_DIR, "logs");
export const SECRETS_CAPTURE_DIR = path.join(TEST_OUTPUT_DIR, "secrets");

export type LeakKind = "plaid-token" | "jwt" | "bearer-token" | "registered-secret";

export interface LeakFinding {
  file: string;
  line: number;
  kind: LeakKind;
}

/** What a secrets file holds: every value that must never reach a log line. */
export interface CapturedSecrets {
  secrets: string[];
}

const PATTERNS: ReadonlyArray<[LeakKind, RegExp]> = [
  ["plaid-token", /\b(?:access|public|link)-(?:sandbox|production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i],
  ["jwt", /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/],
  // A credential after "Bearer": long enough and with a digit, so prose such as "a Bearer token" is not one.
  ["bearer-token", /\bBearer\s+(?=[A-Za-z0-9._~+/-]*\d)[A-Za-z0-9._~+/-]{16,}=*/i],
];

/** Secrets shorter than this are not searched for (they would match by chance). */
const MIN_SECRET_LENGTH = 8;

/** Scans one log text; line numbers start at 1. */
export function scanLogText(text: string, file: string, secrets: readonly string[] = []): LeakFinding[] {
  const wanted = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  const findings: LeakFinding[] = [];
  text.split("\n").forEach((line, index) => {
    const kinds = new Set<LeakKind>();
    for (const [kind, pattern] of PATTERNS) if (pattern.test(line)) kinds.add(kind);
    if (wanted.some((secret) => line.includes(secret))) kinds.add("registered-secret");
    for (const kind of kinds) findings.push({ file, line: index + 1, kind });
  });
  return findings;
}

/**
 * Scans every captured log of one run (files named `<runId>-*.log`), each against the secrets file of
 * the same name; without a runId, every captured log.
 */
export function scanCapturedLogs(runId?: string, dirs = { logs: LOG_CAPTURE_DIR, secrets: SECRETS_CAPTURE_DIR }): { files: number; findings: LeakFinding[] } {
  if (!existsSync(dirs.logs)) return { files: 0, findings: [] };
  const logFiles = readdirSync(dirs.logs)
    .filter((name) => name.endsWith(".log") && (runId === undefined || name.startsWith(`${runId}-`)))
    .sort();
  const findings: LeakFinding[] = [];
  for (const name of logFiles) {
    const secretsFile = path.join(dirs.secrets, name.replace(/\.log$/, ".json"));
    const secrets = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, "utf8")) as CapturedSecrets).secrets : [];
    findings.push(...scanLogText(readFileSync(path.join(dirs.logs, name), "utf8"), path.join(dirs.logs, name), secrets));
  }
  return { files: logFiles.length, findings };
}

const DESCRIPTIONS: Record<LeakKind, string> = {
  "plaid-token": "a Plaid access, public or link token",
  jwt: "a JWT",
  "bearer-token": "a bearer credential",
  "registered-secret": "a secret the test gateway was configured with or issued",
};

/** One line per finding: where, and what kind of secret (never the value). */
export function describeFindings(findings: readonly LeakFinding[]): string {
  return findings.map((finding) => `${path.relative(process.cwd(), finding.file)}:${finding.line}: ${DESCRIPTIONS[finding.kind]}`).join("\n");
}
