import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signDevToken } from "../../src/auth/dev-token.js";
import { postgresAvailable } from "../support/databases.js";
import type { GatewayProcess } from "../support/gateway-process.js";
import { apq, postBody, sha256 } from "../support/persisted-requests.js";
import { startTwoInstances, type TwoInstances } from "../support/two-instances.js";
import { waitUntil } from "../support/wait-until.js";
import { redisAvailable, type TcpProxy } from "../subscriptions/event-bus-support.js";

const postgresUp = await postgresAvailable();
const redisUp = await redisAvailable();

const OUTAGE = "Redis is unavailable for automatic persisted queries";

describe.skipIf(!postgresUp || !redisUp)("automatic persisted queries shared by two gateway processes through Redis", () => {
  const jwtSecret = randomBytes(32).toString("hex");
  const keyPrefix = `test-${randomBytes(6).toString("hex")}`;
  /** Both instances reach Redis through this proxy, so a test can take Redis away from them. */
  let redisLink: TcpProxy;
  let redis: Redis;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let token: string;

  let deployment: TwoInstances | undefined;

  beforeAll(async () => {
    deployment = await startTwoInstances({ names: ["apq-a", "apq-b"], prefix: keyPrefix, jwtSecret, env: { PERSISTED_QUERIES_TTL_SECONDS: "600" } });
    ({ a, b, redisLink, redis } = deployment);
    token = await signDevToken(new TextEncoder().encode(jwtSecret), { user: `apq-${randomBytes(3).toString("hex")}` });
  }, 180_000);

  afterEach(async () => {
    await redisLink.restore().catch(() => {}); // a test that failed while Redis was cut
  });

  afterAll(() => deployment?.stop(), 60_000);

  /** A query neither instance has seen, and its hash. */
  const freshQuery = () => {
    const query = `query Fresh${randomBytes(4).toString("hex")} { viewer { clientUserId } }`;
    return { query, hash: sha256(query) };
  };
  const viewerOf = (answer: { data?: unknown }) => (answer.data as { viewer?: { clientUserId?: string } } | undefined)?.viewer?.clientUserId;

  it("a query registered on A runs on B by its hash alone, kept in Redis under the deployment's prefix for the configured TTL", async () => {
    const { query, hash } = freshQuery();
    const unknownOnB = await postBody(b.graphqlUrl, { extensions: apq(hash) }, token);
    expect(unknownOnB.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    const registered = await postBody(a.graphqlUrl, { query, extensions: apq(hash) }, token);
    expect(registered.errors).toBeUndefined();
    const key = `${keyPrefix}:apq:${hash}`;
    await waitUntil(async () => (await redis.exists(key)) === 1, { what: "the registration in Redis" });
    expect(await redis.get(key)).toBe(query);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);

    const onB = await postBody(b.graphqlUrl, { extensions: apq(hash) }, token);
    expect(onB.errors).toBeUndefined();
    expect(viewerOf(onB)).toBe(viewerOf(registered));
  });

  it("with Redis unreachable a hash alone is a miss and full queries still run, logged once; once Redis is back hashes are shared again", async () => {
    const known = freshQuery();
    await postBody(a.graphqlUrl, { query: known.query, extensions: apq(known.hash) }, token);
    await waitUntil(async () => (await redis.exists(`${keyPrefix}:apq:${known.hash}`)) === 1, { what: "the registration in Redis" });

    await redisLink.cut();
    for (let round = 0; round < 5; round++) {
      const miss = await postBody(b.graphqlUrl, { extensions: apq(known.hash) }, token);
      expect(miss.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
      const { query, hash } = freshQuery();
      for (const body of [{ query, extensions: apq(hash) }, { query }, { query: known.query, extensions: apq(known.hash) }]) {
        const answer = await postBody(b.graphqlUrl, body, token);
        expect(answer.errors, JSON.stringify(body)).toBeUndefined();
        expect(answer.status).toBe(200);
      }
    }
    await waitUntil(() => b.output().includes(OUTAGE), { what: "B to log the outage" });
    expect(b.output().split(OUTAGE).length - 1).toBe(1);

    await redisLink.restore();
    const after = freshQuery();
    await waitUntil(
      async () => {
        await postBody(a.graphqlUrl, { query: after.query, extensions: apq(after.hash) }, token);
        const onB = await postBody(b.graphqlUrl, { extensions: apq(after.hash) }, token);
        return onB.errors === undefined;
      },
      { timeoutMs: 30_000, what: "a registration on A to run on B once Redis is back" },
    );
  });
});
