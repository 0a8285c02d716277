/** A control-API failure: answered as `{error}` with this status, never in Plaid's envelope. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
