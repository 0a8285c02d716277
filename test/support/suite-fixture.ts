import { afterAll, beforeAll } from "vitest";

/**
 * Stands for what a beforeAll hook of the enclosing describe creates, so that the describe can name it
 * where it declares its tests; afterAll disposes of it (when it was created at all).
 */
export function useInSuite<T extends object>(what: string, create: () => Promise<T>, dispose: (value: T) => Promise<void>): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await create();
  });
  afterAll(async () => {
    if (value) await dispose(value);
  });
  return lateBound(what, () => value);
}

/** An object whose properties are read from `current()`; reading one before it exists fails, naming `what`. */
export function lateBound<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const value = current();
      // Not a promise: `await` and async returns probe `then` and must not fail.
      if (value === undefined && key === "then") return undefined;
      if (value === undefined) throw new Error(`${what} is created in beforeAll: use it in hooks and tests`);
      return Reflect.get(value, key);
    },
  });
}
