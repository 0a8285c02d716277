import { describe, expect, it } from "vitest";
import { checkUpdateModeInput, UpdateModeRuleError } from "../../src/domain/update-mode-rules.js";
import { makeSnapshot } from "../support/factories.js";
import { forItem, UPDATE_MODE_RULES, usItem } from "../support/update-mode-cases.js";

const gbItem = makeSnapshot({ userId: "u", countryCodes: ["GB"] });
const removedItem = makeSnapshot({ userId: "u", status: "REMOVED", removedAt: new Date() });

describe("update-mode rules (pure)", () => {
  for (const { rule, allowed, refused, message } of UPDATE_MODE_RULES) {
    describe(rule, () => {
      it.each(allowed.map((input) => [JSON.stringify(input), input]))("allows %s", (_label, input) => {
        expect(() => checkUpdateModeInput(input, input.itemId ? usItem : null, false)).not.toThrow();
      });
      it.each(refused.map((input) => [JSON.stringify(input), input]))("refuses %s, naming the rule", (_label, input) => {
        let caught: unknown;
        try {
          checkUpdateModeInput(input, input.itemId ? usItem : null, false);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(UpdateModeRuleError);
        const error = caught as UpdateModeRuleError;
        expect(error.code).toBe("BAD_USER_INPUT");
        expect(error.rule).toBe(rule);
        expect(error.message).toContain(`Update-mode rule "${rule}"`);
        expect(error.message).toMatch(message);
        expect(error.extensions.rule).toBe(rule);
      });
    });
  }

  it("a removed Item cannot enter update mode", () => {
    expect(() => checkUpdateModeInput({ itemId: removedItem.itemId }, removedItem, false)).toThrow(/removed-item.*cannot enter update mode/);
  });

  it("refuses account selection for an Item linked for the UK when no countries are given", () => {
    expect(() => checkUpdateModeInput({ itemId: gbItem.itemId, accountSelectionEnabled: true }, gbItem, false)).toThrow(/no-account-selection-uk-eu/);
    expect(checkUpdateModeInput({ itemId: gbItem.itemId }, gbItem, false).countryCodes).toEqual(["GB"]);
  });

  it("checks the values themselves too", () => {
    expect(() => checkUpdateModeInput(forItem({ products: ["nope"] }), usItem, false)).toThrow(/not a Plaid product/);
    expect(() => checkUpdateModeInput(forItem({ accountSelectionEnabled: true, accountFilters: { depository: ["gold bars"] } }), usItem, false)).toThrow(
      /not a depository subtype/,
    );
    expect(() => checkUpdateModeInput(forItem({ accountSelectionEnabled: true, accountFilters: { loan: [] } }), usItem, false)).toThrow(/at least one subtype/);
    expect(() => checkUpdateModeInput(forItem({ language: "xx" }), usItem, false)).toThrow(/Link language/);
    expect(() => checkUpdateModeInput({ itemId: "../../x" }, usItem, false)).toThrow(/not an Item id/);
  });

  it("answers a request ready for Plaid", () => {
    expect(
      checkUpdateModeInput(
        forItem({ accountSelectionEnabled: true, accountFilters: { depository: ["checking", "checking"] }, additionalConsentedProducts: ["identity"] }),
        usItem,
        false,
      ),
    ).toEqual({
      mode: { kind: "item", itemId: usItem.itemId },
      countryCodes: ["US"],
      language: "en",
      accountSelectionEnabled: true,
      reauthorizationEnabled: null,
      accountFilters: { depository: ["checking"] },
      additionalConsentedProducts: ["identity"],
      products: [],
      linkCustomizationName: null,
      redirectUri: null,
      statements: null,
    });
  });
});
