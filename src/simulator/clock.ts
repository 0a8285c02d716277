/** The simulator's notion of "now": wall-clock time shifted by a settable offset, so expiries can be tested. */
export class SimulatorClock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  setOffsetSeconds(seconds: number): void {
    this.offsetMs = Math.round(seconds * 1000);
  }
}

/** RFC 3339 timestamp with second precision, as Plaid writes them ("2019-02-15T15:51:39Z"). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
