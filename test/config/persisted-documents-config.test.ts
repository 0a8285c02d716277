import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configFailure } from "../support/config-failure.js";
import { loadConfig } from "../../src/config.js";

const dir = mkdtempSync(path.join(tmpdir(), "persisted-config-"));
const VIEWER = "query Viewer { viewer { clientUserId } }";
const ITEMS = "query Items { viewer { items { edges { node { id } } } } }";
const idOf = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** A manifest file with this content (an object is written as JSON). */
function manifest(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

const failure = configFailure;

describe("persisted operations settings", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps automatic persisted queries a day and runs any operation unless told otherwise", () => {
    expect(loadConfig({})).toMatchObject({ persistedQueriesTtlSeconds: 86_400, persistedDocuments: null });
    expect(loadConfig({ PERSISTED_QUERIES_TTL_SECONDS: "600" }).persistedQueriesTtlSeconds).toBe(600);
  });

  it("reads every manifest listed, in allow-list mode unless accept is asked for", () => {
    const web = manifest("web.json", { [idOf(VIEWER)]: VIEWER });
    const ios = manifest("ios.json", { [idOf(ITEMS).toUpperCase().replace("SHA256:", "")]: ITEMS, [idOf(VIEWER)]: VIEWER });
    const config = loadConfig({ PERSISTED_DOCUMENTS: ` ${web}, ${ios} ` }).persistedDocuments!;
    expect(config.files).toEqual([web, ios]);
    expect(config.mode).toBe("allow-list");
    expect([...config.documents.entries()].sort()).toEqual(
      [
        [idOf(VIEWER).slice(7), VIEWER],
        [idOf(ITEMS).slice(7), ITEMS],
      ].sort(),
    );
    expect(loadConfig({ PERSISTED_DOCUMENTS: web, PERSISTED_DOCUMENTS_MODE: "Accept" }).persistedDocuments?.mode).toBe("accept");
  });

  it.each([
    ["a missing file", () => ({ PERSISTED_DOCUMENTS: path.join(dir, "missing.json") }), "PERSISTED_DOCUMENTS", /missing\.json: no such file$/],
    ["a file that is not JSON", () => ({ PERSISTED_DOCUMENTS: manifest("broken.json", "{ nope") }), "PERSISTED_DOCUMENTS", /broken\.json: is not JSON \(/],
    ["a JSON array", () => ({ PERSISTED_DOCUMENTS: manifest("array.json", [VIEWER]) }), "PERSISTED_DOCUMENTS", /must be a JSON object mapping each document's SHA-256 to its text/],
    ["an empty manifest", () => ({ PERSISTED_DOCUMENTS: manifest("empty.json", {}) }), "PERSISTED_DOCUMENTS", /empty\.json: holds no documents$/],
    [
      "a key that is no SHA-256",
      () => ({ PERSISTED_DOCUMENTS: manifest("sha1.json", { "3f786850e387550fdab836ed7e6dc881de23001b": VIEWER }) }),
      "PERSISTED_DOCUMENTS",
      /is not a SHA-256 document id/,
    ],
    ["a text that is not a string", () => ({ PERSISTED_DOCUMENTS: manifest("number.json", { [idOf(VIEWER)]: 42 }) }), "PERSISTED_DOCUMENTS", /must be the document's text$/],
    ["an edited document", () => ({ PERSISTED_DOCUMENTS: manifest("edited.json", { [idOf(VIEWER)]: ITEMS }) }), "PERSISTED_DOCUMENTS", /is not the SHA-256 of its document$/],
    [
      "a document that does not parse",
      () => ({ PERSISTED_DOCUMENTS: manifest("syntax.json", { [idOf("query {")]: "query {" }) }),
      "PERSISTED_DOCUMENTS",
      /does not parse \(Syntax Error/,
    ],
    [
      "an unknown mode",
      () => ({ PERSISTED_DOCUMENTS: manifest("ok.json", { [idOf(VIEWER)]: VIEWER }), PERSISTED_DOCUMENTS_MODE: "strict" }),
      "PERSISTED_DOCUMENTS_MODE",
      /allow-list or accept/,
    ],
    ["a mode without manifests", () => ({ PERSISTED_DOCUMENTS_MODE: "accept" }), "PERSISTED_DOCUMENTS_MODE", /needs PERSISTED_DOCUMENTS/],
    ["a TTL under a minute", () => ({ PERSISTED_QUERIES_TTL_SECONDS: "10" }), "PERSISTED_QUERIES_TTL_SECONDS", /between 60 and 2592000/],
  ])("refuses %s, naming the variable in one line", (_what, env, variable, message) => {
    const error = failure(env());
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message.split("\n")).toHaveLength(1);
  });
});
