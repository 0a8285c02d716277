import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";
import { prettyFactory } from "pino-pretty";
import type { LogFormat, LogLevel } from "./config.js";

export type Logger = pino.Logger;

/** The HTTP request being served, so every line logged while serving it carries its id. */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Runs fn (and everything it starts) as part of the request with this id. */
export function runInRequestScope<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

/** Whether a logger's own bindings already name a request id (checked once per logger). */
const bindsRequestId = new WeakMap<object, boolean>();

/** Adds the current request's id to a line, unless the line or its logger already has one. */
function requestIdMixin(mergeObject: object, _level: number, logger: pino.Logger): object {
  const scope = requestScope.getStore();
  if (!scope || "requestId" in mergeObject) return {};
  let bound = bindsRequestId.get(logger);
  if (bound === undefined) {
    bound = "requestId" in logger.bindings();
    bindsRequestId.set(logger, bound);
  }
  return bound ? {} : { requestId: scope.requestId };
}

/** Field names whose values never reach a log line, wherever they appear in a logged object. */
const SECRET_KEYS = [
  "access_token",
  "accessToken",
  "new_access_token",
  "newAccessToken",
  "public_token",
  "publicToken",
  "link_token",
  "linkToken",
  "secret",
  "client_secret",
  "password",
  "authorization",
  "Authorization",
  "PLAID-SECRET",
  "plaid-secret",
  "Plaid-Verification",
  "plaid-verification",
  "token",
];

const REDACT_PATHS = [
  ...SECRET_KEYS.map((key) => `["${key}"]`),
  ...SECRET_KEYS.map((key) => `*["${key}"]`),
  ...SECRET_KEYS.map((key) => `*.*["${key}"]`),
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
];

/** Token-shaped strings (Plaid tokens, bearer JWTs) scrubbed from every line as a last line of defence. */
const TOKEN_PATTERNS: RegExp[] = [
  /\b(access|public|link)-(sandbox|production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/g,
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
];

export function scrubTokens(line: string): string {
  let out = line;
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, "[redacted]");
  return out;
}

/**
 * Errors logged without what they drag along: HTTP client errors carry the request configuration,
 * which holds the Plaid secret in its headers and the access token in its body.
 */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const out: Record<string, unknown> = { type: error.name, message: error.message };
  const withCode = error as Error & { code?: unknown; endpoint?: unknown; httpStatus?: unknown; plaid?: unknown };
  if (typeof withCode.code === "string") out.code = withCode.code;
  if (typeof withCode.endpoint === "string") out.endpoint = withCode.endpoint;
  if (typeof withCode.httpStatus === "number") out.httpStatus = withCode.httpStatus;
  if (withCode.plaid && typeof withCode.plaid === "object") out.plaid = withCode.plaid;
  const axios = error as Error & { isAxiosError?: boolean; response?: { status?: number } };
  if (axios.isAxiosError) {
    out.httpStatus = axios.response?.status;
    return out;
  }
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined) out.cause = serializeError(error.cause);
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  /** One JSON object per line (default), or human-readable lines for a terminal. */
  format?: LogFormat;
  /** Where lines go (stdout by default); tests capture them. */
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  // Written in the background (and flushed when the process exits): a busy gateway never waits for its log.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  // Redaction happens when the line is built and scrubbing before it is formatted: both apply to either format.
  const format =
    options.format === "pretty"
      ? prettyFactory({
          colorize: options.destination === undefined && process.stdout.isTTY === true,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname,name",
          singleLine: true,
        })
      : (line: string) => line;
  const scrubbing: pino.DestinationStream = {
    write: (line: string) => destination.write(format(scrubTokens(line))),
  };
  const logger = pino(
    {
      name: options.name ?? "plaid-item-gateway",
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError, error: serializeError },
      mixin: requestIdMixin,
    },
    scrubbing,
  );
  redactOnlyWhereAPathCanMatch(logger);
  return logger;
}

const SECRET_KEY_SET = new Set(SECRET_KEYS);

/** Whether a value holds one of SECRET_KEYS itself or in a value one level down (all the wildcard paths can reach). */
function mayHoldSecret(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const holds = (target: object) => {
    for (const key of SECRET_KEY_SET) if (key in target) return true;
    return false;
  };
  if (holds(value)) return true;
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    if (typeof inner === "object" && inner !== null && holds(inner)) return true;
  }
  return false;
}

type Stringifier = (value: unknown, safe?: unknown) => string;

/**
 * pino runs its wildcard redaction over every top-level value of a line, strings and numbers included,
 * parsing each path again every time: a top-level value no wildcard path can reach is serialized
 * directly, which is the text the redaction would have produced. Every other value is redacted as before.
 */
function redactOnlyWhereAPathCanMatch(logger: Logger): void {
  const { stringifiersSym, wildcardFirstSym, stringifySym } = pino.symbols as unknown as Record<string, symbol>;
  const internals = logger as unknown as Record<symbol, unknown>;
  const stringifiers = internals[stringifiersSym!] as Record<symbol, Stringifier> | undefined;
  const redactWildcards = stringifiers?.[wildcardFirstSym!];
  const stringify = internals[stringifySym!] as Stringifier | undefined;
  if (!stringifiers || !redactWildcards || !stringify) return;
  stringifiers[wildcardFirstSym!] = (value, safe) => (mayHoldSecret(value) ? redactWildcards(value, safe) : stringify(value, safe));
}
