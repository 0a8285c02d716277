import { SignJWT } from "jose";

export interface DevTokenOptions {
  user: string;
  admin?: boolean;
  /** Lifetime, in jose's notation ("12h", "30m"). */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/** Signs an HS256 bearer token for local use (the embedded default and `npm run token`). */
export function signDevToken(secret: Uint8Array, options: DevTokenOptions): Promise<string> {
  let jwt = new SignJWT({ roles: options.admin ? ["admin"] : [] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(options.user)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "12h");
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(secret);
}
