/**
 * The store's session lock, which decides the one instance that runs the reconciliation sweep: held by
 * one connection of its own, exclusive per schema, freed when released or when the connection dies.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { dropSchema, postgresAvailable, POSTGRES_URL, uniqueSchema } from "../support/databases.js";
import { waitUntil } from "../support/wait-until.js";

describe("a session lock on PGlite", () => {
  it("is this process's alone until released", async () => {
    const store = await openStore({});
    try {
      const lock = await store.db.trySessionLock("sweep");
      expect(lock).not.toBeNull();
      expect(await store.db.trySessionLock("sweep")).toBeNull();
      expect(await store.db.trySessionLock("another")).not.toBeNull();
      expect(await lock!.stillHeld()).toBe(true);
      await lock!.release();
      expect(lock!.lost.aborted).toBe(true);
      expect(await store.db.trySessionLock("sweep")).not.toBeNull();
    } finally {
      await store.close();
    }
  });
});

const postgresUp = await postgresAvailable();

describe.skipIf(!postgresUp)("a session lock on PostgreSQL", () => {
  const schemas = [uniqueSchema(), uniqueSchema()];
  const stores: Store[] = [];
  const open = async (schema: string) => {
    const store = await openStore({ databaseUrl: POSTGRES_URL, postgres: { schema } });
    stores.push(store);
    return store;
  };

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await dropSchema(schema);
  });

  /** The server process holding the named lock in the schema, asked of pg_locks. */
  async function holderOf(name: string, schema: string): Promise<number | null> {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
           AND classid = (hashtext($1)::bigint & 4294967295)::oid AND objid = (hashtext($2)::bigint & 4294967295)::oid`,
        [name, schema],
      );
      return rows[0]?.pid ?? null;
    } finally {
      await admin.end();
    }
  }

  it("is held by one instance of a schema at a time, and by each schema on its own", async () => {
    const [one, two, elsewhere] = [await open(schemas[0]!), await open(schemas[0]!), await open(schemas[1]!)];
    const held = await one.db.trySessionLock("sweep");
    expect(held).not.toBeNull();
    expect(await holderOf("sweep", schemas[0]!)).not.toBeNull();
    expect(await two.db.trySessionLock("sweep")).toBeNull();
    const other = await elsewhere.db.trySessionLock("sweep");
    expect(other).not.toBeNull();

    await held!.release();
    expect(await holderOf("sweep", schemas[0]!)).toBeNull();
    const taken = await two.db.trySessionLock("sweep");
    expect(taken).not.toBeNull();
    await taken!.release();
    await other!.release();
  });

  it("is freed when its connection dies, and its holder learns it lost it", async () => {
    const [one, two] = [await open(schemas[0]!), await open(schemas[0]!)];
    const held = await one.db.trySessionLock("dies");
    expect(held).not.toBeNull();
    expect(await two.db.trySessionLock("dies")).toBeNull();

    const pid = await holderOf("dies", schemas[0]!);
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await admin.end();

    await waitUntil(async () => !(await held!.stillHeld()), { what: "the holder to notice its connection is gone" });
    expect(held!.lost.aborted).toBe(true);
    const taken = await two.db.trySessionLock("dies");
    expect(taken).not.toBeNull();
    await taken!.release();
    await held!.release();
  });
});
