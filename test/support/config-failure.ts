import { ConfigError, loadConfig } from "../../src/config.js";

/** The ConfigError these settings start with (fails when they load, or fail otherwise). */
export function configFailure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a configuration error");
}
