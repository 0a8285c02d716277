/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

/** A variable's trimmed value; undefined when unset or blank. */
export type EnvReader = (name: string) => string | undefined;

export function envReader(env: Record<string, string | undefined>): EnvReader {
  return (name) => {
    const trimmed = env[name]?.trim();
    return trimmed ? trimmed : undefined;
  };
}

/** A 32-byte key from 64 hex characters or base64; undefined when it is neither. */
export function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (key.length === 32) return key;
  }
  return undefined;
}

export function readSwitch(read: EnvReader, name: string, fallback: boolean): boolean {
  const text = read(name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (["on", "true", "1"].includes(text)) return true;
  if (["off", "false", "0"].includes(text)) return false;
  throw new ConfigError(name, `must be on or off (got "${text.slice(0, 20)}")`);
}

export function readPort(read: EnvReader, name: string, fallback: number): number {
  return readInt(read, name, fallback, 0, 65_535);
}

export function readInt(read: EnvReader, name: string, fallback: number, min: number, max: number): number {
  const text = read(name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new ConfigError(name, `must be a whole number (got "${text}")`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

export function readUrl(read: EnvReader, name: string, protocols: string[]): string | undefined {
  const text = read(name);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(name, "is not a valid URL");
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.map((p) => p.replace(/:$/, "")).join(" or ")} (got ${url.protocol.replace(/:$/, "")})`);
  }
  return text;
}

/** A comma-separated list; blank entries dropped. */
export function readList(read: EnvReader, name: string): string[] {
  return (read(name) ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}
