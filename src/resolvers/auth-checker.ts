import type { AuthChecker } from "type-graphql";
import type { GatewayContext } from "./context.js";
import { GatewayError } from "../domain/errors.js";

/** `@Authorized("ADMIN")` fields: admins only; everyone else gets FORBIDDEN. */
export const authChecker: AuthChecker<GatewayContext> = ({ context }, roles) => {
  if (roles.includes("ADMIN") && !context.viewer.isAdmin) {
    throw new GatewayError("FORBIDDEN", "This field is for admins only");
  }
  return true;
};
