import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every code example the README gives a client team is an excerpt of a file the test suite runs: the
 * frontend examples in examples/frontend/ (imported by test/clients/, or the codegen config CI runs with
 * `--check`). A block of client code (ts, js, graphql, yaml) anywhere in the README, and any block at
 * all in "Using it from a frontend", names its file in a comment line right above it,
 * `<!-- example: examples/frontend/… -->`, and must appear in that file line for line.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
const CLIENT_LANGUAGES = new Set(["ts", "js", "tsx", "graphql", "yaml"]);
const FRONTEND_SECTION = "## Using it from a frontend";

interface Block {
  line: number;
  language: string;
  text: string;
  source: string | null;
  inFrontendSection: boolean;
}

function codeBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("## ")) section = line;
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const end = lines.findIndex((candidate, j) => j > i && candidate.startsWith("```"));
    const marker = /^<!-- example: (\S+) -->$/.exec(lines[i - 1] ?? "");
    blocks.push({ line: i + 1, language: fence[1]!, text: lines.slice(i + 1, end).join("\n"), source: marker?.[1] ?? null, inFrontendSection: section === FRONTEND_SECTION });
    i = end;
  }
  return blocks;
}

/** The example files the suite runs: modules test/clients imports, configs the package scripts run, documents codegen reads. */
function filesTheSuiteRuns(): Set<string> {
  const run = new Set<string>();
  const clientTests = path.join(ROOT, "test/clients");
  for (const name of readdirSync(clientTests)) {
    const text = readFileSync(path.join(clientTests, name), "utf8");
    for (const [, specifier] of text.matchAll(/from "(\.\.\/\.\.\/examples\/[^"]+)"/g)) {
      run.add(path.relative(ROOT, path.resolve(clientTests, specifier!)).replace(/\.js$/, ".ts"));
    }
  }
  const scripts = Object.values((JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
  for (const script of scripts) for (const [, config] of script.matchAll(/--config (examples\/\S+)/g)) run.add(config!);
  const documents = path.join(ROOT, "examples/frontend/src");
  for (const name of readdirSync(documents)) if (name.endsWith(".graphql")) run.add(`examples/frontend/src/${name}`);
  return run;
}

const blocks = codeBlocks(README);
const examples = blocks.filter((block) => block.inFrontendSection || CLIENT_LANGUAGES.has(block.language));

describe("the README's client examples", () => {
  it("has a section for frontend teams, with examples in it", () => {
    expect(README).toContain(`\n${FRONTEND_SECTION}\n`);
    expect(examples.filter((block) => block.inFrontendSection).length).toBeGreaterThanOrEqual(4);
  });

  it("names the file of every example", () => {
    expect(examples.filter((block) => !block.source).map((block) => `README.md:${block.line} (${block.language || "no language"})`)).toEqual([]);
  });

  it("quotes each example from a file the test suite runs", () => {
    const run = filesTheSuiteRuns();
    expect(examples.filter((block) => block.source && !run.has(block.source)).map((block) => `README.md:${block.line}: ${block.source}`)).toEqual([]);
  });

  it.each(examples.filter((block) => block.source).map((block) => [`README.md:${block.line}`, block] as const))("%s is that file's text, line for line", (_, block) => {
    const file = readFileSync(path.join(ROOT, block.source!), "utf8");
    expect(`\n${file}\n`).toContain(`\n${block.text}\n`);
  });
});
