import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { REDIS_URL, TcpProxy } from "../subscriptions/event-bus-support.js";
import { dropSchema, POSTGRES_URL, uniqueSchema } from "./databases.js";
import { spawnGateway, type GatewayProcess } from "./gateway-process.js";
import { expectNoFidelityViolations, startTestSimulator, type SimulatorHarness } from "./simulator-harness.js";

/** Two gateway processes of one deployment: one simulator, one PostgreSQL schema, one Redis (through a proxy a test can cut). */
export interface TwoInstances {
  a: GatewayProcess;
  b: GatewayProcess;
  simulator: SimulatorHarness;
  /** Both instances reach Redis through this proxy, so a test can take Redis away from them. */
  redisLink: TcpProxy;
  /** Redis itself, around the proxy. */
  redis: Redis;
  /** The settings both instances run with, for starting another instance of the same deployment. */
  settings: Record<string, string>;
  stop(): Promise<void>;
}

export interface TwoInstancesOptions {
  /** The processes' names in logs. */
  names: [string, string];
  /** REDIS_CHANNEL_PREFIX of this run, so other runs sharing the machine's Redis stay apart. */
  prefix: string;
  /** The HS256 secret both instances verify bearer tokens with. */
  jwtSecret: string;
  /** More settings for both instances. */
  env?: Record<string, string>;
}

/** Starts A, then B (both would otherwise migrate the empty schema at the same moment). */
export async function startTwoInstances({ names, prefix, jwtSecret, env = {} }: TwoInstancesOptions): Promise<TwoInstances> {
  const schema = uniqueSchema();
  const simulator = await startTestSimulator();
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const redisLink = new TcpProxy(REDIS_URL);
  await redisLink.start();
  const redis = new Redis(REDIS_URL);
  const databaseUrl = new URL(POSTGRES_URL);
  databaseUrl.searchParams.set("options", `-c search_path=${schema}`);
  const settings = {
    PLAID_ENV: "simulator",
    SIMULATOR_URL: simulator.url,
    PLAID_CLIENT_ID: simulator.clientId,
    PLAID_SECRET: simulator.secret,
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisLink.url,
    REDIS_CHANNEL_PREFIX: prefix,
    AUTH_JWT_SECRET: jwtSecret,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    ...env,
  };
  const a = await spawnGateway(names[0], settings);
  const b = await spawnGateway(names[1], settings);
  return {
    a,
    b,
    settings,
    simulator,
    redisLink,
    redis,
    stop: async () => {
      await Promise.all([a.stop(), b.stop()]);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await redisLink.close();
      expectNoFidelityViolations(simulator);
      await simulator.close();
      await dropSchema(schema);
    },
  };
}
