import cors from "cors";
import type { ErrorRequestHandler, RequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "../logger.js";

/**
 * Security headers on every response. Everything served here is an API answer (JSON), never a page a
 * browser renders, so the content security policy allows nothing at all; browser pages get their
 * own policy on their own routes.
 */
export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    referrerPolicy: { policy: "no-referrer" },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    xFrameOptions: { action: "deny" },
  });
  return (req, res, next) => {
    // Answers carry a user's data: no shared or browser cache keeps them.
    res.setHeader("cache-control", "no-store");
    headers(req, res, next);
  };
}

/** What a browser page of the gateway's own (GraphiQL, the dashboard) may load besides same-origin scripts and styles. */
export interface PagePolicyOptions {
  /** Inline <style> elements and style attributes (GraphiQL's editor injects its own). */
  inlineStyles?: boolean;
  /** Fonts: same origin and data: URLs (GraphiQL's stylesheet embeds its fonts). */
  fonts?: boolean;
  /** Web workers from same-origin scripts (GraphiQL's editor). */
  workers?: boolean;
}

/**
 * The content security policy of a browser page, replacing the API's `default-src 'none'` on that
 * route only. Scripts come from the gateway itself and nowhere else ('self': no inline script, no
 * eval, no remote origin); fetch and WebSocket go back to the gateway only.
 */
function pageSecurityPolicy(options: PagePolicyOptions = {}): string {
  const directives: Array<[string, string[]]> = [
    ["default-src", ["'none'"]],
    ["script-src", ["'self'"]],
    ["style-src", options.inlineStyles ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ["img-src", ["'self'", "data:"]],
    ...(options.fonts ? ([["font-src", ["'self'", "data:"]]] as Array<[string, string[]]>) : []),
    ["connect-src", ["'self'"]],
    ...(options.workers ? ([["worker-src", ["'self'"]]] as Array<[string, string[]]>) : []),
    ["base-uri", ["'none'"]],
    ["form-action", ["'none'"]],
    ["frame-ancestors", ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(" ")}`).join(";");
}

/** Middleware form of `pageSecurityPolicy`, for the page routes (set after `securityHeaders`, so it wins there). */
export function pageSecurityHeaders(options: PagePolicyOptions = {}): RequestHandler {
  const policy = pageSecurityPolicy(options);
  return (_req, res, next) => {
    res.setHeader("content-security-policy", policy);
    next();
  };
}

/**
 * CORS for the GraphQL endpoint: only the configured origins may read answers from a browser (none by
 * default). No credentials: the gateway authenticates with a bearer header, never a cookie.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ["GET", "POST"],
    allowedHeaders: ["authorization", "content-type", "x-request-id", "apollo-require-preflight", "x-apollo-operation-name"],
    exposedHeaders: ["x-request-id"],
    credentials: false,
    maxAge: 600,
  });
}

/**
 * The last handlers: unknown paths answer a JSON 404, and errors raised before GraphQL or the webhook
 * route took over (body too large, malformed JSON) answer JSON with their status and no stack trace.
 */
export function apiFallbacks(logger: Logger): [RequestHandler, ErrorRequestHandler] {
  const log = logger.child({ component: "http" });
  const notFound: RequestHandler = (_req, res) => {
    res.status(404).json({ error: "not found" });
  };
  const onError: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = httpStatusOf(error);
    if (status >= 500) {
      log.error({ err: error, method: req.method, path: req.path }, "request failed");
      res.status(500).json({ error: "internal error" });
      return;
    }
    log.debug({ status, type: (error as { type?: unknown }).type, method: req.method, path: req.path }, "request refused");
    res.status(status).json({ error: status === 413 ? "request body too large" : status === 415 ? "unsupported content type" : "bad request" });
  };
  return [notFound, onError];
}

function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
}
