import { describe, expect, it } from "vitest";
import { toGatewayError } from "../../src/datasources/plaid/plaid-errors.js";
import { createLogger, scrubTokens } from "../../src/logger.js";
import { expectCleanRun, type TestGateway } from "../support/gateway-harness.js";

const accessToken = "access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970";
const publicToken = "public-sandbox-b0e2c4ee-a763-4df5-bfe9-46a46bce993d";

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } });
  return { logger, text: () => lines.join("") };
}

describe("logs never carry tokens or secrets", () => {
  it("redacts token and secret fields wherever they sit in a logged object", () => {
    const { logger, text } = capture();
    logger.info({ access_token: accessToken, request: { public_token: publicToken, secret: "s3cr3t-value", headers: { authorization: "Bearer abc.def.ghi" } } }, "call");
    expect(text()).not.toContain(accessToken);
    expect(text()).not.toContain(publicToken);
    expect(text()).not.toContain("s3cr3t-value");
    expect(text()).not.toContain("abc.def.ghi");
    expect(text()).toContain("[redacted]");
  });

  it("scrubs token-shaped strings inside messages and free text", () => {
    const { logger, text } = capture();
    logger.warn(`could not use ${accessToken} or Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig`);
    expect(text()).not.toContain(accessToken);
    expect(text()).not.toContain("eyJzdWIiOiJ4In0");
    expect(scrubTokens(`link-sandbox-11111111-2222-3333-4444-555555555555`)).toBe("[redacted]");
  });

  it("logs an HTTP client error without its request configuration (which holds the Plaid secret)", () => {
    const { logger, text } = capture();
    const clientError = Object.assign(new Error("Request failed with status code 400"), {
      isAxiosError: true,
      config: { headers: { "PLAID-SECRET": "plaid-secret-value" }, data: JSON.stringify({ access_token: accessToken }) },
      response: {
        status: 400,
        data: { error_type: "ITEM_ERROR", error_code: "ITEM_LOGIN_REQUIRED", error_message: "login required", display_message: null, request_id: "req123" },
      },
    });
    logger.error({ err: clientError }, "raw client error");
    logger.error({ err: toGatewayError("/item/get", clientError) }, "mapped error");
    expect(text()).not.toContain("plaid-secret-value");
    expect(text()).not.toContain(accessToken);
    expect(text()).toContain("ITEM_LOGIN_REQUIRED");
  });
});

describe("the end-of-suite leak check", () => {
  const fakeRun = (logs: string[], responses: string[]): TestGateway =>
    ({
      violations: [],
      exchanges: [
        { path: "/item/public_token/exchange", request: { public_token: publicToken }, status: 200, response: { access_token: accessToken, item_id: "i", request_id: "r" } },
      ],
      logs,
      responses,
      configuredSecrets: ["configured-secret-value"],
      issuedTokens: ["issued.bearer.token"],
    }) as unknown as TestGateway;

  it("passes a clean run", () => {
    expect(() => expectCleanRun(fakeRun(['{"msg":"ok"}'], ['{"data":{}}']))).not.toThrow();
  });

  it.each([
    [[`{"msg":"${accessToken}"}`], []],
    [[], [`{"data":{"x":"${publicToken}"}}`]],
    [["configured-secret-value"], []],
    [["issued.bearer.token"], []],
  ])("notices a secret in the log or a response (%#)", (logs, responses) => {
    expect(() => expectCleanRun(fakeRun(logs, responses))).toThrow(/appears in/);
  });
});
