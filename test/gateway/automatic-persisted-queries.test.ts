import { print } from "graphql";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ViewerDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { apq, documentIdOf, getWithParams, overWebSocket, postBody, sha256 } from "../support/persisted-requests.js";

const MANIFEST = path.resolve(import.meta.dirname, "../../generated/persisted-documents.json");

/** A query no manifest holds, different in each test so that no other test registered it. */
const freshQuery = (name: string) => `query ${name} { viewer { clientUserId } }`;

describe("automatic persisted queries (no manifest)", () => {
  const { harness, tokens } = useTestGateway({ users: { bob: "user" } });
  const url = () => harness.gateway.graphqlUrl;

  it("answers an unknown hash PersistedQueryNotFound, registers the query sent with it, then runs it by hash alone (POST and GET)", async () => {
    const query = freshQuery("Registered");
    const hash = sha256(query);
    const unknown = await postBody(url(), { extensions: apq(hash) }, tokens.bob);
    expect(unknown.errors?.[0]).toMatchObject({ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } });
    const registered = await postBody(url(), { query, extensions: apq(hash) }, tokens.bob);
    expect(registered).toMatchObject({ status: 200, data: { viewer: { clientUserId: "bob" } } });
    for (const answer of [
      await postBody(url(), { extensions: apq(hash) }, tokens.bob),
      await postBody(url(), { extensions: apq(`sha256:${hash.toUpperCase()}`) }, tokens.bob),
      await getWithParams(url(), { extensions: apq(hash) }, tokens.bob),
    ]) {
      expect(answer.errors).toBeUndefined();
      expect(answer).toMatchObject({ status: 200, data: { viewer: { clientUserId: "bob" } } });
    }
  });

  it("tells a careless client what it sent wrong, with 400 and never a masked internal error", async () => {
    const query = freshQuery("Careless");
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ extensions: apq("1234") }, "BAD_REQUEST", /sha256Hash must be a SHA-256 hash: 64 hexadecimal characters.*\(got 4 characters\)/],
      [{ query, extensions: apq(sha256(`${query} `)) }, "BAD_REQUEST", /^extensions\.persistedQuery\.sha256Hash is not the SHA-256 of the query sent with it/],
      [{ query, extensions: { persistedQuery: { version: 3, sha256Hash: sha256(query) } } }, "BAD_REQUEST", /^extensions\.persistedQuery\.version must be 1 \(got 3\)/],
      [{ documentId: documentIdOf(ViewerDocument) }, "PERSISTED_QUERY_NOT_SUPPORTED", /no persisted-documents manifest to look a documentId up in/],
    ];
    for (const [body, code, message] of cases) {
      const answer = await postBody(url(), body, tokens.bob);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.errors).toEqual([{ message: expect.stringMatching(message), extensions: { code, requestId: expect.any(String) } }]);
    }
    expect(harness.logs.join("")).not.toContain("unexpected error while serving GraphQL");
  });

  it("over WebSocket runs a query sent with its hash, and says a hash alone works over HTTP only", async () => {
    const query = freshQuery("OverWebSocket");
    expect(await overWebSocket(url(), tokens.bob, { query, extensions: apq(sha256(query)) })).toEqual({ data: { viewer: { clientUserId: "bob" } } });
    const alone = await overWebSocket(url(), tokens.bob, { query: "", extensions: apq(sha256(query)) });
    expect(alone.errors).toEqual([
      {
        message: "Automatic persisted queries (a hash without its query) work over HTTP only: over WebSocket, send the query.",
        extensions: { code: "PERSISTED_QUERY_NOT_SUPPORTED", requestId: expect.any(String) },
      },
    ]);
  });
});

describe("accept mode (PERSISTED_DOCUMENTS_MODE=accept): the manifest's ids run, and so does any other operation", () => {
  const { harness, tokens } = useTestGateway({ env: { PERSISTED_DOCUMENTS: MANIFEST, PERSISTED_DOCUMENTS_MODE: "accept" }, users: { carol: "user" } });
  const url = () => harness.gateway.graphqlUrl;

  it("runs manifest ids, other queries, and automatic persisted queries; an unknown documentId is PERSISTED_QUERY_NOT_FOUND", async () => {
    const other = freshQuery("NotInTheManifest");
    for (const answer of [
      await postBody(url(), { documentId: documentIdOf(ViewerDocument) }, tokens.carol),
      await postBody(url(), { query: print(ViewerDocument), extensions: apq(documentIdOf(ViewerDocument)) }, tokens.carol),
      await postBody(url(), { query: other }, tokens.carol),
      await postBody(url(), { query: other, extensions: apq(sha256(other)) }, tokens.carol),
      await postBody(url(), { extensions: apq(sha256(other)) }, tokens.carol),
    ]) {
      expect(answer.errors).toBeUndefined();
      expect(answer).toMatchObject({ status: 200, data: { viewer: { clientUserId: "carol" } } });
    }
    const unknown = await postBody(url(), { documentId: `sha256:${sha256(other)}` }, tokens.carol);
    expect(unknown).toMatchObject({
      status: 400,
      errors: [{ message: expect.stringMatching(/^No persisted document has the id sha256:/), extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }],
    });
  });
});
