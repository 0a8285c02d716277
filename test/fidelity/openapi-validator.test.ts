import { beforeAll, describe, expect, it } from "vitest";
import { loadPlaidSpec, type PlaidExchange, type PlaidSpecValidator } from "../support/plaid-openapi.js";

// Shapes follow the spec: ItemGetRequest, ItemGetResponse (ItemWithConsentFields = Item + consent
// fields, ItemStatusNullable) and PlaidError, modelled on the spec's own /item/get example.
const itemGetRequest = {
  client_id: "5f1a2b3c4d5e6f7a8b9c0d1e",
  secret: "0123456789abcdef0123456789abcd",
  access_token: "access-sandbox-5cd6e1b1-1b5b-459d-9284-366e2da89755",
};

const itemGetResponse = {
  item: {
    item_id: "Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr",
    institution_id: "ins_109508",
    institution_name: "First Platypus Bank",
    webhook: "https://plaid.com/example/hook",
    auth_method: null,
    error: null,
    available_products: ["balance", "auth"],
    billed_products: ["identity", "transactions"],
    products: ["identity", "transactions"],
    consented_products: ["identity", "transactions"],
    consent_expiration_time: null,
    update_type: "background",
    created_at: "2019-01-22T04:32:00Z",
    consented_use_cases: ["Track and manage your finances"],
    consented_data_scopes: ["account_balance_info", "contact_info", "transactions"],
  },
  status: {
    transactions: { last_successful_update: "2019-02-15T15:52:39Z", last_failed_update: null },
    last_webhook: { sent_at: "2019-02-15T15:53:00Z", code_sent: "DEFAULT_UPDATE" },
  },
  request_id: "m8MDnv9okwxFNBV",
};

const itemLoginRequired = {
  error_type: "ITEM_ERROR",
  error_code: "ITEM_LOGIN_REQUIRED",
  error_code_reason: null,
  error_message: "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information.",
  display_message: null,
  request_id: "HNTDNrA8F1shFEW",
};

const invalidRequestError = {
  error_type: "INVALID_REQUEST",
  error_code: "UNKNOWN_FIELDS",
  error_message: "the following fields are not recognized by this endpoint: colour",
  display_message: null,
  request_id: "Xm3nPq8rT2vWy5z",
};

let spec: PlaidSpecValidator;
beforeAll(async () => {
  spec = await loadPlaidSpec();
});

const itemGet = (overrides: Partial<PlaidExchange>): PlaidExchange => ({
  path: "/item/get",
  request: itemGetRequest,
  status: 200,
  response: itemGetResponse,
  ...overrides,
});
const messages = (exchange: PlaidExchange) => spec.check(exchange).map((v) => `${v.side}|${v.message}`);

describe("Plaid OpenAPI fidelity validator", () => {
  it("loads once and caches the compiled spec", async () => {
    expect(await loadPlaidSpec()).toBe(spec);
  });

  it("accepts a conforming /item/get exchange", () => {
    expect(spec.check(itemGet({}))).toEqual([]);
    expect(spec.check(itemGet({ response: { ...itemGetResponse, status: null } }))).toEqual([]);
    const erroredItem = { ...itemGetResponse.item, error: itemLoginRequired };
    expect(spec.check(itemGet({ response: { ...itemGetResponse, item: erroredItem } }))).toEqual([]);
  });

  it("reports a 2xx response without request_id", () => {
    const { request_id: _omitted, ...response } = itemGetResponse;
    expect(spec.check(itemGet({ response }))).toEqual([{ path: "/item/get", status: 200, side: "response", message: "response /: must have required property 'request_id'" }]);
  });

  it("reports a field of the wrong type with its JSON pointer", () => {
    const item = { ...itemGetResponse.item, error: { ...itemLoginRequired, error_code: 1200 } };
    expect(messages(itemGet({ response: { ...itemGetResponse, item } }))).toEqual(["response|response /item/error/error_code: must be string"]);
  });

  it("reports a nullable composed schema by its own errors only", () => {
    expect(messages(itemGet({ response: { ...itemGetResponse, status: { transactions: { last_successful_update: 5 } } } }))).toEqual([
      "response|response /status/transactions/last_successful_update: must be string,null",
    ]);
  });

  it("reports enum and format violations", () => {
    const item = { ...itemGetResponse.item, update_type: "sometimes", consent_expiration_time: "next week" };
    expect(messages(itemGet({ response: { ...itemGetResponse, item } }))).toEqual([
      'response|response /item/consent_expiration_time: must match format "date-time"',
      'response|response /item/update_type: must be equal to one of the allowed values: "background", "user_present_required"',
    ]);
  });

  it("reports request fields Plaid does not define (UNKNOWN_FIELDS)", () => {
    expect(spec.check(itemGet({ request: { access_token: itemGetRequest.access_token, colour: "red" } }))).toEqual([
      { path: "/item/get", status: 200, side: "request", message: "request /: must NOT have unknown property 'colour'" },
    ]);
  });

  it("reports unknown fields in nested request objects", () => {
    const request = {
      client_name: "Gateway",
      language: "en",
      country_codes: ["US"],
      products: ["transactions"],
      user: { client_user_id: "user-1", colour: "red" },
    };
    const response = { link_token: "link-sandbox-1", expiration: "2024-03-16T15:53:00Z", request_id: "Aim3b" };
    expect(messages({ path: "/link/token/create", request, status: 200, response })).toEqual(["request|request /user: must NOT have unknown property 'colour'"]);
  });

  it("counts fields contributed by allOf members as defined", () => {
    // TransferFundingAccountWithDisplayName = allOf [TransferFundingAccount, { display_name }]
    const funding_account = { access_token: itemGetRequest.access_token, account_id: "acc-1", display_name: "Ops" };
    const exchange = {
      path: "/transfer/originator/funding_account/create",
      request: { originator_client_id: "orig-1", funding_account },
      status: 200,
      response: { funding_account_id: "fa-1", request_id: "Aim3b" },
    };
    expect(spec.check(exchange)).toEqual([]);
    expect(messages({ ...exchange, request: { originator_client_id: "orig-1", funding_account: { ...funding_account, nickname: "x" } } })).toEqual([
      "request|request /funding_account: must NOT have unknown property 'nickname'",
    ]);
  });

  it("reports a missing required request field", () => {
    expect(spec.check(itemGet({ request: { client_id: itemGetRequest.client_id, secret: itemGetRequest.secret } }))).toEqual([
      { path: "/item/get", status: 200, side: "request", message: "request /: must have required property 'access_token'" },
    ]);
  });

  it("validates error answers against the PlaidError envelope", () => {
    expect(spec.check(itemGet({ status: 400, response: itemLoginRequired }))).toEqual([]);
    const { error_type: _omitted, ...envelope } = itemLoginRequired;
    expect(spec.check(itemGet({ status: 400, response: envelope }))).toEqual([
      { path: "/item/get", status: 400, side: "response", message: "response /: must have required property 'error_type'" },
    ]);
    expect(messages(itemGet({ status: 400, response: null }))).toEqual(["response|response /: must be object"]);
  });

  it("does not validate the request of a 4xx answer, only its envelope", () => {
    const request = { access_token: itemGetRequest.access_token, colour: "red" };
    expect(spec.check(itemGet({ request, status: 400, response: invalidRequestError }))).toEqual([]);
    expect(messages(itemGet({ request, status: 400, response: { ...invalidRequestError, error_type: "NOPE" } }))).toEqual([
      expect.stringMatching(/^response\|response \/error_type: must be equal to one of the allowed values: "INVALID_REQUEST"/),
    ]);
  });

  it("still validates the request of a 5xx answer", () => {
    const apiError = { ...invalidRequestError, error_type: "API_ERROR", error_code: "INTERNAL_SERVER_ERROR" };
    expect(messages(itemGet({ request: {}, status: 500, response: apiError }))).toEqual(["request|request /: must have required property 'access_token'"]);
  });

  it("reports a 2xx status the operation does not define", () => {
    expect(messages(itemGet({ status: 201 }))).toEqual(["response|response /: status 201 is not defined for /item/get (spec defines 200, default)"]);
  });

  it("reports a path the spec does not define", () => {
    expect(spec.check({ path: "/item/frobnicate", request: {}, status: 200, response: { request_id: "r" } })).toEqual([
      { path: "/item/frobnicate", status: 200, side: "response", message: "/item/frobnicate is not an endpoint defined by the Plaid API spec" },
    ]);
  });

  it("ignores the simulator's own control endpoints", () => {
    expect(spec.check({ path: "/simulator/items/fire-webhook", request: { anything: 1 }, status: 200, response: "ok" })).toEqual([]);
  });

  it("knows which paths are Plaid endpoints", () => {
    expect(spec.hasPath("/item/get")).toBe(true);
    expect(spec.hasPath("/item/remove")).toBe(true);
    expect(spec.hasPath("/fdx/consents/consent-1")).toBe(true);
    expect(spec.hasPath("/item/frobnicate")).toBe(false);
    expect(spec.hasPath("/simulator/reset")).toBe(false);
  });
});
