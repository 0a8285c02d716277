import { plaidError } from "../errors.js";
import type { RouteHandler } from "./route.js";

/** /webhook_verification_key/get: the public JWK for a `kid`, expired keys included (with expired_at set). */
const getVerificationKey: RouteHandler = (ctx, req) => {
  const key = ctx.signer.publicKey(req.body.key_id as string);
  if (!key) throw plaidError("INVALID_WEBHOOK_VERIFICATION_KEY_ID");
  return { body: { key } };
};

export const webhookKeyRoutes: Record<string, RouteHandler> = { "/webhook_verification_key/get": getVerificationKey };
