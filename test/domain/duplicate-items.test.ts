import { describe, expect, it } from "vitest";
import { findDuplicateItem, type ExistingItem } from "../../src/domain/duplicate-items.js";

const checking = { id: "acc-new-1", name: "Plaid Checking", mask: "0000" };
const savings = { id: "acc-new-2", name: "Plaid Saving", mask: "1111" };

const item = (itemId: string, accounts: ExistingItem["accounts"], overrides: Partial<ExistingItem> = {}): ExistingItem => ({
  itemId,
  institutionId: "ins_1",
  accountIds: (accounts ?? []).map((account) => account.id),
  accounts,
  ...overrides,
});

describe("which Link session duplicates one of the user's Items", () => {
  it("the same institution and an account with the same mask and name is a duplicate", () => {
    const existing = item("item-a", [{ id: "acc-a-1", name: "Plaid Checking", mask: "0000" }]);
    expect(findDuplicateItem({ institutionId: "ins_1", accounts: [checking, savings] }, [existing])).toBe(existing);
  });

  it("names are compared without regard to case or spacing", () => {
    const existing = item("item-a", [{ id: "acc-a-1", name: "  plaid   CHECKING ", mask: "0000" }]);
    expect(findDuplicateItem({ institutionId: "ins_1", accounts: [checking] }, [existing])).toBe(existing);
  });

  it("another institution, another mask, or the same mask under another name is not a duplicate", () => {
    const session = { institutionId: "ins_1", accounts: [checking] };
    expect(findDuplicateItem(session, [item("elsewhere", [{ id: "x", name: "Plaid Checking", mask: "0000" }], { institutionId: "ins_2" })])).toBeNull();
    expect(findDuplicateItem(session, [item("other-mask", [{ id: "x", name: "Plaid Checking", mask: "9999" }])])).toBeNull();
    expect(findDuplicateItem(session, [item("other-name", [{ id: "x", name: "Business Checking", mask: "0000" }])])).toBeNull();
  });

  it("accounts without a mask, an Item whose accounts were never read, or a session without an institution decide nothing", () => {
    const unmasked = { id: "acc-new-3", name: "Plaid Checking", mask: null };
    expect(findDuplicateItem({ institutionId: "ins_1", accounts: [unmasked] }, [item("a", [{ id: "x", name: "Plaid Checking", mask: null }])])).toBeNull();
    expect(findDuplicateItem({ institutionId: "ins_1", accounts: [checking] }, [item("unread", null)])).toBeNull();
    expect(findDuplicateItem({ institutionId: null, accounts: [checking] }, [item("a", [{ id: "x", name: "Plaid Checking", mask: "0000" }], { institutionId: null })])).toBeNull();
  });

  it("a session sharing an account id with one of the Items is that Item's own and duplicates nothing", () => {
    const own = item("own", null, { accountIds: [checking.id] });
    const lookalike = item("lookalike", [{ id: "acc-b-1", name: "Plaid Checking", mask: "0000" }]);
    expect(findDuplicateItem({ institutionId: "ins_1", accounts: [checking] }, [lookalike, own])).toBeNull();
  });

  it("names the first matching Item in the order given", () => {
    const newer = item("newer", [{ id: "n", name: "Plaid Saving", mask: "1111" }]);
    const older = item("older", [{ id: "o", name: "Plaid Checking", mask: "0000" }]);
    expect(findDuplicateItem({ institutionId: "ins_1", accounts: [checking, savings] }, [newer, older])).toBe(newer);
  });
});
