import { readStateFile, writeStateFile } from "./persistence.js";
import type { PersistedState, SimConsentEvent, SimItem, SimLinkToken, SimPublicToken, SimSigningKey, SimUser } from "./types.js";

/** Everything Plaid would remember: users, Items, tokens, consent events and webhook signing keys. */
export class SimulatorState {
  readonly users = new Map<string, SimUser>();
  readonly items = new Map<string, SimItem>();
  readonly publicTokens = new Map<string, SimPublicToken>();
  readonly linkTokens = new Map<string, SimLinkToken>();
  readonly consentEvents: SimConsentEvent[] = [];
  readonly signingKeys = new Map<string, SimSigningKey>();
  currentKeyId: string | null = null;
  /** The client id and secret the simulator accepts, kept so that its clients keep working across restarts. */
  credentials: { clientId: string; secret: string } | null = null;
  private nextConsentSeq = 1;
  private readonly itemsByAccessToken = new Map<string, string>();

  constructor(private readonly stateFile?: string) {}

  /** Loads the state file when one is configured and present. */
  load(): void {
    if (!this.stateFile) return;
    const saved = readStateFile(this.stateFile);
    if (!saved) return;
    for (const u of saved.users) this.users.set(u.user_id, u);
    for (const i of saved.items) this.addItem(i);
    for (const p of saved.public_tokens) this.publicTokens.set(p.public_token, p);
    for (const l of saved.link_tokens) this.linkTokens.set(l.link_token, l);
    this.consentEvents.push(...saved.consent_events);
    for (const k of saved.signing_keys) this.signingKeys.set(k.kid, k);
    this.currentKeyId = saved.current_key_id;
    this.nextConsentSeq = saved.next_consent_seq;
    if (saved.credentials) this.credentials = { clientId: saved.credentials.client_id, secret: saved.credentials.secret };
  }

  /** Saves to the state file (atomically) when one is configured. */
  save(): void {
    if (!this.stateFile) return;
    const snapshot: PersistedState = {
      version: 1,
      users: [...this.users.values()],
      items: [...this.items.values()],
      public_tokens: [...this.publicTokens.values()],
      link_tokens: [...this.linkTokens.values()],
      consent_events: this.consentEvents,
      signing_keys: [...this.signingKeys.values()],
      current_key_id: this.currentKeyId,
      next_consent_seq: this.nextConsentSeq,
      ...(this.credentials ? { credentials: { client_id: this.credentials.clientId, secret: this.credentials.secret } } : {}),
    };
    writeStateFile(this.stateFile, snapshot);
  }

  addItem(item: SimItem): void {
    this.items.set(item.item_id, item);
    this.itemsByAccessToken.set(item.access_token, item.item_id);
  }

  /** Gives the Item a new access_token; the old one no longer resolves, at once and after a restart. */
  replaceAccessToken(item: SimItem, accessToken: string): void {
    this.itemsByAccessToken.delete(item.access_token);
    item.access_token = accessToken;
    this.itemsByAccessToken.set(accessToken, item.item_id);
  }

  itemByAccessToken(accessToken: string): SimItem | undefined {
    const itemId = this.itemsByAccessToken.get(accessToken);
    return itemId ? this.items.get(itemId) : undefined;
  }

  userByToken(userToken: string): SimUser | undefined {
    for (const user of this.users.values()) if (user.user_token === userToken) return user;
    return undefined;
  }

  userByClientUserId(clientUserId: string): SimUser | undefined {
    for (const user of this.users.values()) if (user.client_user_id === clientUserId) return user;
    return undefined;
  }

  /** The user's Items that have not been removed, oldest first. */
  itemsOfUser(userId: string): SimItem[] {
    return [...this.items.values()].filter((i) => i.user_id === userId && i.removed_at_ms === null);
  }

  addConsentEvent(event: Omit<SimConsentEvent, "seq">): void {
    this.consentEvents.push({ ...event, seq: this.nextConsentSeq++ });
  }
}
