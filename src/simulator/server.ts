import express, { type NextFunction, type Request, type Response } from "express";
import type { SimulatorContext } from "./context.js";
import { controlRouter } from "./control/index.js";
import { PlaidApiError, plaidError } from "./errors.js";
import { newRequestId } from "./ids.js";
import { checkCredentials, checkRequestBody } from "./request-checks.js";
import { REQUEST_SCHEMAS } from "./request-schemas.js";
import { PLAID_ROUTES, type PlaidRequest } from "./routes/index.js";

export interface ExchangeRecord {
  path: string;
  request: unknown;
  status: number;
  response: unknown;
  itemId?: string;
}

const SUPPORTED_API_VERSION = "2020-09-14";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Parses the body as Plaid does: JSON only, and a JSON object at that. */
function parseJsonBody(req: Request): Record<string, unknown> {
  const contentType = req.headers["content-type"];
  if (!contentType) throw plaidError("INVALID_HEADERS", { message: "the Content-Type header is required and must be application/json" });
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw plaidError("INVALID_BODY", { message: "the request content-type must be application/json" });
  }
  const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw plaidError("INVALID_BODY");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw plaidError("INVALID_BODY");
  return parsed as Record<string, unknown>;
}

function checkApiVersion(req: Request): void {
  const version = req.headers["plaid-version"];
  if (version !== undefined && version !== SUPPORTED_API_VERSION) {
    throw plaidError("INVALID_HEADERS", { message: `Plaid-Version must be ${SUPPORTED_API_VERSION}, the only API version this environment serves` });
  }
}

/** The Item a request names, when its token is known, for `onExchange` even when the call failed early. */
function peekItemId(ctx: SimulatorContext, body: Record<string, unknown> | undefined): string | undefined {
  if (!body) return undefined;
  if (typeof body.access_token === "string") return ctx.state.itemByAccessToken(body.access_token)?.item_id;
  if (typeof body.public_token === "string") return ctx.state.publicTokens.get(body.public_token)?.item_id;
  return undefined;
}

/** Keeps the secret out of what is handed to `onExchange`. */
function redact(body: Record<string, unknown> | undefined, raw: string): unknown {
  if (!body) return raw;
  return typeof body.secret === "string" ? { ...body, secret: "[redacted]" } : body;
}

/** The express app: Plaid's API at the root, the control API under /simulator. */
export function createApp(ctx: SimulatorContext, onExchange?: (exchange: ExchangeRecord) => void): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.raw({ type: () => true, limit: "1mb" }));
  app.use("/simulator", controlRouter(ctx));

  app.use(async (req: Request, res: Response) => {
    const requestId = newRequestId();
    const path = req.path;
    let body: Record<string, unknown> | undefined;
    let status = 200;
    let response: Record<string, unknown>;
    const plaidReq: PlaidRequest = { path, body: {}, headers: req.headers, requestId };
    try {
      const handler = PLAID_ROUTES[path];
      if (!handler || req.method !== "POST") throw plaidError("NOT_FOUND");
      body = parseJsonBody(req);
      const fault = ctx.faults.take(path);
      if (fault?.latencyMs) await sleep(fault.latencyMs);
      if (fault?.error) throw fault.error;
      checkApiVersion(req);
      checkCredentials(req.headers, body, ctx.credentials);
      checkRequestBody(body, REQUEST_SCHEMAS[path]!);
      plaidReq.body = body;
      const result = await handler(ctx, plaidReq);
      response = { ...result.body, request_id: requestId };
    } catch (err) {
      const apiError = err instanceof PlaidApiError ? err : plaidError("INTERNAL_SERVER_ERROR");
      if (!(err instanceof PlaidApiError)) ctx.logger.error({ err: String(err), path, request_id: requestId }, "simulator failed to answer a request");
      status = apiError.status;
      response = apiError.toResponse(requestId) as unknown as Record<string, unknown>;
    }
    const itemId = plaidReq.itemId ?? peekItemId(ctx, body);
    ctx.state.save();
    res.status(status).json(response);
    ctx.logger.info({ path, status, request_id: requestId, item_id: itemId, error_code: status === 200 ? undefined : response.error_code }, "plaid api request");
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    onExchange?.({ path, request: redact(body, raw), status, response, ...(itemId ? { itemId } : {}) });
  });

  // Bodies express could not read (too large, bad encoding) are Plaid's INVALID_BODY.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    ctx.logger.warn({ err: String(err) }, "unreadable request body");
    res.status(400).json(plaidError("INVALID_BODY").toResponse(newRequestId()));
  });
  return app;
}
