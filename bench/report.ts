import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { readResults } from "./lib/results.js";
import { benchRoot } from "./lib/rpc.js";

export function writeReport(): string {
  const file = path.join(benchRoot, "REPORT.md");
  writeFileSync(file, JSON.stringify(readResults().map((r) => r.rows), null, 2));
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeReport();
