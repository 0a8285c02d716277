import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Item } from "plaid";
import { afterAll, describe, expect, it } from "vitest";
import { expectNoFidelityViolations, startTestSimulator, type SimulatorHarness } from "../support/simulator-harness.js";
import { createUser, linkSandboxItem, linkTokenBase } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "plaid-sim-state-"));
const stateFile = join(dir, "nested", "plaid-simulator.json");
const credentials = { clientId: "persisted-client", secret: "persisted-secret" };
const harnesses: SimulatorHarness[] = [];

afterAll(async () => {
  for (const h of harnesses) expectNoFidelityViolations(h);
  rmSync(dir, { recursive: true, force: true });
});

describe("stateFile", () => {
  it("keeps users, Items, tokens, Link sessions, consent events and signing keys across a restart", async () => {
    const first = await startTestSimulator({ ...credentials, stateFile });
    harnesses.push(first);
    const userId = await createUser(first, "persistent-user");
    const item = await linkSandboxItem(first, { user_id: userId });
    await first.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    const rotatedItem = await linkSandboxItem(first, { user_id: userId });
    const rotatedToken = (await first.plaid("/item/access_token/invalidate", { access_token: rotatedItem.access_token })).body.new_access_token;
    const pending = (await first.plaid("/sandbox/public_token/create", { institution_id: "ins_109510", initial_products: ["auth"] })).body.public_token;
    const linkToken = (await first.plaid("/link/token/create", { ...linkTokenBase, products: ["transactions"] })).body.link_token;
    const linked = (await first.control("POST", "/link/complete", { link_token: linkToken })).body.public_token;
    const sessionsBefore = (await first.plaid("/link/token/get", { link_token: linkToken })).body.link_sessions;
    const keyId = (await first.control("POST", "/keys/rotate", {})).body.key_id;
    const eventsBefore = (await first.control("GET", `/items/${item.item_id}/consent-events`)).body.consent_events;
    await first.close();

    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(saved.version).toBe(1);
    expect(readdirSync(join(dir, "nested")).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const second = await startTestSimulator({ ...credentials, stateFile });
    harnesses.push(second);
    try {
      const got = await second.plaid("/item/get", { access_token: item.access_token });
      expect(got.status).toBe(200);
      expect(got.body.item).toMatchObject({ item_id: item.item_id, error: { error_code: "ITEM_LOGIN_REQUIRED" } });
      const again = await second.plaid("/user/create", { client_user_id: "persistent-user" });
      expect(again.body.user_id).toBe(userId);
      expect((await second.plaid("/user/items/get", { user_id: userId })).body.items.map((i: Item) => i.item_id)).toEqual([item.item_id, rotatedItem.item_id]);
      // A rotated access token stays rotated: the new one works, the old one is refused.
      expect((await second.plaid("/item/get", { access_token: rotatedToken })).body.item.item_id).toBe(rotatedItem.item_id);
      expect((await second.plaid("/item/get", { access_token: rotatedItem.access_token })).body.error_code).toBe("INVALID_ACCESS_TOKEN");
      expect((await second.plaid("/item/public_token/exchange", { public_token: pending })).status).toBe(200);
      expect((await second.plaid("/webhook_verification_key/get", { key_id: keyId })).status).toBe(200);
      const sessionsAfter = (await second.plaid("/link/token/get", { link_token: linkToken })).body.link_sessions;
      expect(sessionsAfter).toEqual(sessionsBefore);
      expect(sessionsAfter[0].results.item_add_results[0].public_token).toBe(linked);
      expect((await second.control("GET", `/items/${item.item_id}/consent-events`)).body.consent_events).toEqual(eventsBefore);
    } finally {
      await second.close();
    }
  });

  it("starts empty when the file does not exist yet", async () => {
    const fresh = await startTestSimulator({ ...credentials, stateFile: join(dir, "other.json") });
    harnesses.push(fresh);
    try {
      const res = await fresh.plaid("/user/items/get", { user_id: "usr_notThereYet12" });
      expect(res.body.error_code).toBe("USER_NOT_FOUND");
    } finally {
      await fresh.close();
    }
  });
});
