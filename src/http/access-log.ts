import type { RequestHandler } from "express";
import { runInRequestScope, type Logger } from "../logger.js";
import { requestIdFrom } from "./request-id.js";

/** Probe and scrape paths: their successful requests are logged at debug level, not info. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const MAX_PATH_LENGTH = 200;

/**
 * The first handler of every request: gives it a request id (the caller's X-Request-Id when sane,
 * else a fresh one), answers it in X-Request-Id, puts it on every line logged while serving the
 * request, and logs one access line when the response is done: method, path (no query string),
 * status, duration and request id. Never headers or bodies.
 */
export function requestLogging(logger: Logger): RequestHandler {
  const log = logger.child({ component: "http" });
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    // Later handlers (the GraphQL route) read the id from the header: they see this same one.
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    const started = performance.now();
    res.once("close", () => {
      const path = (req.originalUrl || req.url || "/").split("?", 1)[0]!.slice(0, MAX_PATH_LENGTH);
      const status = res.statusCode;
      const line = {
        requestId,
        method: req.method,
        path,
        status,
        durationMs: Math.round(performance.now() - started),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (QUIET_PATHS.has(path) && status < 400) log.debug(line, "request");
      else log.info(line, "request");
    });
    runInRequestScope(requestId, next);
  };
}
