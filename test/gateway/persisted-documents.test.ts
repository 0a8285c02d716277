import { print, type FormattedExecutionResult } from "graphql";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DashboardLiveDocument, DashboardViewerDocument, ItemStatusChangedDocument, SandboxCreateItemDocument, ViewerDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { graphqlWsClient } from "../support/item-status-subscriptions.js";
import { apq, documentIdOf, getWithParams, overWebSocket, postBody, sha256 } from "../support/persisted-requests.js";
import { waitUntil } from "../support/wait-until.js";

/** The repository's own manifest (tests and pages), written by `npm run codegen` with the client preset. */
const MANIFEST = path.resolve(import.meta.dirname, "../../generated/persisted-documents.json");
const OUTSIDE = "query Outside { viewer { clientUserId } }";
const INTROSPECTION = "query Schema { __schema { queryType { name } } }";
const NOT_ALLOWED = "This gateway only runs operations from its persisted-documents manifest, and this operation is not in it.";

describe("allow-list mode (PERSISTED_DOCUMENTS): only the manifest's operations run", () => {
  const { harness, tokens } = useTestGateway({ env: { PERSISTED_DOCUMENTS: MANIFEST }, users: { alice: "user" } });
  const url = () => harness.gateway.graphqlUrl;

  it("runs a manifest operation by its id (documentId or the APQ extension, POST or GET) and by its text", async () => {
    const id = documentIdOf(ViewerDocument);
    const answers = [
      await postBody(url(), { documentId: id }, tokens.alice),
      await postBody(url(), { extensions: apq(id) }, tokens.alice),
      await postBody(url(), { extensions: apq(id.slice("sha256:".length)) }, tokens.alice),
      await getWithParams(url(), { extensions: apq(id) }, tokens.alice),
      await getWithParams(url(), { documentId: id, operationName: "Viewer" }, tokens.alice),
      // The text a client prints from the generated document, and the manifest's own normalized text.
      await harness.graphql(ViewerDocument, {}, tokens.alice),
      await postBody(url(), { query: "query Viewer { viewer { clientUserId createdAt id } }" }, tokens.alice),
    ];
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer).toMatchObject({ status: 200, data: { viewer: { clientUserId: "alice" } } });
    }
  });

  it("refuses any other operation, introspection included, with 400 PERSISTED_QUERY_NOT_ALLOWED, and counts it as refused", async () => {
    for (const answer of [
      await postBody(url(), { query: OUTSIDE }, tokens.alice),
      await postBody(url(), { query: INTROSPECTION }, tokens.alice),
      await getWithParams(url(), { query: OUTSIDE }, tokens.alice),
      await postBody(url(), { query: OUTSIDE, extensions: apq(sha256(OUTSIDE)) }, tokens.alice),
    ]) {
      expect(answer.status).toBe(400);
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toEqual([{ message: NOT_ALLOWED, extensions: { code: "PERSISTED_QUERY_NOT_ALLOWED", requestId: expect.any(String) } }]);
    }
    const metrics = await (await fetch(`${harness.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/graphql_operations_total\{operation="Outside",type="unknown",outcome="error"\} 3/);
  });

  it("tells a careless client what it sent wrong: a hash of the wrong length, an unknown hash, a hash with another query", async () => {
    const wrongLength = await postBody(url(), { extensions: apq("abc123") }, tokens.alice);
    expect(wrongLength.status).toBe(400);
    expect(wrongLength.errors?.[0]).toMatchObject({
      message: 'extensions.persistedQuery.sha256Hash must be a SHA-256 hash: 64 hexadecimal characters, optionally prefixed "sha256:" (got 6 characters).',
      extensions: { code: "BAD_REQUEST" },
    });
    const unknown = await postBody(url(), { documentId: `sha256:${sha256("query Unknown { viewer { id } }")}` }, tokens.alice);
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0]).toMatchObject({
      message: expect.stringContaining("it holds no document with the id sha256:"),
      extensions: { code: "PERSISTED_QUERY_NOT_ALLOWED" },
    });
    const mismatched = await postBody(url(), { query: OUTSIDE, extensions: apq(documentIdOf(ViewerDocument)) }, tokens.alice);
    expect(mismatched.status).toBe(400);
    expect(mismatched.errors?.[0]).toMatchObject({
      message: "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it: send the query's hash, or the query alone.",
      extensions: { code: "BAD_REQUEST" },
    });
  });

  it("over WebSocket runs the manifest's operations by text or by documentId and refuses the rest", async () => {
    const byText = await overWebSocket(url(), tokens.alice, { query: print(DashboardViewerDocument) });
    const byId = await overWebSocket(url(), tokens.alice, { query: "", documentId: documentIdOf(ViewerDocument) });
    const byApq = await overWebSocket(url(), tokens.alice, { query: "", extensions: apq(documentIdOf(ViewerDocument)) });
    for (const answer of [byText, byId, byApq]) expect(answer).toMatchObject({ data: { viewer: { clientUserId: "alice" } } });
    expect(byText.errors).toBeUndefined();

    for (const payload of [{ query: OUTSIDE }, { query: INTROSPECTION }, { query: "subscription Any { itemStatusChanged { cursor } }" }]) {
      const refused = await overWebSocket(url(), tokens.alice, payload);
      expect(refused).toEqual({ errors: [{ message: NOT_ALLOWED, extensions: { code: "PERSISTED_QUERY_NOT_ALLOWED", requestId: expect.any(String) } }] });
    }
  });

  it("delivers a manifest subscription's events, subscribed by text (as the dashboard does) and by documentId", async () => {
    const client = graphqlWsClient(url(), tokens.alice);
    const received: Record<string, FormattedExecutionResult[]> = { text: [], id: [] };
    const observe = (name: string) => ({ next: (result: FormattedExecutionResult) => void received[name]!.push(result), error: () => {}, complete: () => {} });
    try {
      client.subscribe({ query: print(DashboardLiveDocument) }, observe("text"));
      client.subscribe({ query: "", documentId: documentIdOf(ItemStatusChangedDocument) } as { query: string }, observe("id"));
      await waitUntil(() => harness.gateway.events.activeSubscriptions() >= 2, { what: "both subscriptions registered" });
      const created = await postBody<{ sandboxCreateItem: { id: string } }>(url(), { documentId: documentIdOf(SandboxCreateItemDocument) }, tokens.alice);
      const itemId = created.data?.sandboxCreateItem.id;
      expect(itemId).toEqual(expect.any(String));
      await waitUntil(() => received.text!.length > 0 && received.id!.length > 0, { what: "the LINKED event on both subscriptions" });
      expect(received.text![0]).toMatchObject({ data: { itemStatusChanged: { itemId, status: "HEALTHY", item: { id: itemId } } } });
      expect(received.id![0]).toMatchObject({ data: { itemStatusChanged: { itemId, item: { id: itemId, status: "HEALTHY" } } } });
    } finally {
      await client.dispose();
    }
  });
});
