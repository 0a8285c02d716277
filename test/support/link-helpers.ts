import { CreateLinkTokenDocument, ExchangePublicTokenDocument, SandboxCreateItemDocument } from "../../generated/graphql.js";
import type { TestGateway } from "./gateway-harness.js";

/** Creates a Sandbox Item for the user through the gateway and returns its id. */
export async function createSandboxItem(harness: TestGateway, token: string, variables: { institutionId?: string; products?: string[] } = {}): Promise<string> {
  const result = await harness.graphql(SandboxCreateItemDocument, variables, token);
  if (!result.data?.sandboxCreateItem) throw new Error(`sandboxCreateItem failed: ${JSON.stringify(result.errors)}`);
  return result.data.sandboxCreateItem.id;
}

/** Creates a Sandbox Item and waits until what Plaid sends about it has been taken in (the gateway is settled). */
export async function createSettledItem(harness: TestGateway, token: string, variables: { institutionId?: string; products?: string[] } = {}): Promise<string> {
  const itemId = await createSandboxItem(harness, token, variables);
  await harness.settle();
  return itemId;
}

/** What the user picks in Link: the institution and the accounts they tick (by mask); the simulator's defaults otherwise. */
export interface LinkChoices {
  institutionId?: string;
  accountMasks?: string[];
}

/** A new-Item link token from the gateway and Link finished with it at the simulator: the public token Link hands back, not exchanged. */
export async function finishLinkSession(harness: TestGateway, token: string, choices: LinkChoices & { products?: string[]; countryCodes?: string[] } = {}) {
  const { products = ["transactions"], countryCodes } = choices;
  const created = await harness.graphql(CreateLinkTokenDocument, { input: { products, ...(countryCodes ? { countryCodes } : {}) } }, token);
  const linkToken = created.data?.createLinkToken.linkToken;
  if (!linkToken) throw new Error(`createLinkToken failed: ${JSON.stringify(created.errors)}`);
  const completed = await harness.control<{ public_token: string }>("/simulator/link/complete", {
    link_token: linkToken,
    ...(choices.institutionId ? { institution_id: choices.institutionId } : {}),
    ...(choices.accountMasks ? { account_masks: choices.accountMasks } : {}),
  });
  return { linkToken, publicToken: completed.public_token, createdLinkToken: created.data!.createLinkToken };
}

/**
 * Goes through Link as a user would: link token from the gateway, Link finished at the simulator, public
 * token exchanged (so the public token it answers is used up: exchanging it again is Plaid's refusal).
 */
export async function linkItemThroughLink(
  harness: TestGateway,
  token: string,
  products: string[] = ["transactions"],
  countryCodes?: string[],
  choices: LinkChoices & { allowDuplicate?: boolean } = {},
) {
  const { linkToken, publicToken, createdLinkToken } = await finishLinkSession(harness, token, { ...choices, products, countryCodes });
  const exchanged = await harness.graphql(
    ExchangePublicTokenDocument,
    { publicToken, ...(choices.allowDuplicate !== undefined ? { allowDuplicate: choices.allowDuplicate } : {}) },
    token,
  );
  if (!exchanged.data?.exchangePublicToken) throw new Error(`exchangePublicToken failed: ${JSON.stringify(exchanged.errors)}`);
  return { linkToken, publicToken, item: exchanged.data.exchangePublicToken, createdLinkToken };
}
