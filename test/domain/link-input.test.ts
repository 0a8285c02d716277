import { describe, expect, it } from "vitest";
import { checkNewLinkTokenInput } from "../../src/domain/link-input.js";

const refused = (input: Parameters<typeof checkNewLinkTokenInput>[0], production = false) => {
  try {
    checkNewLinkTokenInput(input, production);
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message, argument: (error as { extensions: { argument: string } }).extensions.argument };
  }
  throw new Error("expected the input to be refused");
};

describe("input for a new-Item Link token", () => {
  it("fills Plaid's defaults and normalizes country codes", () => {
    expect(checkNewLinkTokenInput({ products: ["transactions"], countryCodes: ["us", "CA", "US"] }, false)).toEqual({
      products: ["transactions"],
      countryCodes: ["US", "CA"],
      language: "en",
      redirectUri: null,
      linkCustomizationName: null,
    });
  });

  it.each([
    [{ products: [] }, "products", /at least one/],
    [{ products: ["transactionz"] }, "products", /not a Plaid product/],
    [{ products: ["balance"] }, "products", /balance/],
    [{ products: ["auth", "auth"] }, "products", /twice/],
    [{ products: ["auth"], countryCodes: [] }, "countryCodes", /at least one/],
    [{ products: ["auth"], countryCodes: ["XX"] }, "countryCodes", /not a country/],
    [{ products: ["auth"], language: "klingon" }, "language", /not a Link language/],
    [{ products: ["auth"], redirectUri: "/relative" }, "redirectUri", /absolute/],
    [{ products: ["auth"], redirectUri: "https://app.example/cb?x=1" }, "redirectUri", /query string/],
    [{ products: ["auth"], redirectUri: "javascript:alert(1)" }, "redirectUri", /http or https/],
    [{ products: ["auth"], linkCustomizationName: "has spaces" }, "linkCustomizationName", /letters/],
  ])("refuses %j (argument %s)", (input, argument, message) => {
    const result = refused(input);
    expect(result.code).toBe("BAD_USER_INPUT");
    expect(result.argument).toBe(argument);
    expect(result.message).toMatch(message);
  });

  it("requires https redirect URIs in production only", () => {
    expect(checkNewLinkTokenInput({ products: ["auth"], redirectUri: "http://localhost:3000/oauth" }, false).redirectUri).toBe("http://localhost:3000/oauth");
    expect(refused({ products: ["auth"], redirectUri: "http://localhost:3000/oauth" }, true).message).toMatch(/https in production/);
  });

  it("echoes only a short, printable part of hostile input", () => {
    const result = refused({ products: ["\u0000".repeat(5) + "x".repeat(500)] });
    expect(result.message.length).toBeLessThan(120);
    expect(result.message).not.toContain("\u0000");
  });
});
