/** What the reconciliation sweep and the webhook URL repair report as they go (the metrics listen). */
export interface ReconcileObserver {
  /** This instance took the sweeper's lock (true) or gave it up (false). */
  sweeping(active: boolean): void;
  /** The sweep confirmed an Item with Plaid; `changed`: its status was not what the gateway had. */
  confirmed(changed: boolean): void;
  /** The sweep could not confirm an Item (Plaid or the store failed). */
  failed(): void;
  /** Seconds since the least recently confirmed live Item was last confirmed with Plaid (0 with none live). */
  lag(seconds: number): void;
  /** An Item's webhook was pointed at this gateway (true), or Plaid refused or could not be asked (false). */
  webhookUpdated(ok: boolean): void;
}

/** For a gateway nobody observes (tests wiring services alone). */
export const UNOBSERVED: ReconcileObserver = {
  sweeping: () => {},
  confirmed: () => {},
  failed: () => {},
  lag: () => {},
  webhookUpdated: () => {},
};
