/** Distinct operation names (and webhook codes, error codes) labelled per instance; later ones count as "other". */
const MAX_DISTINCT_LABEL_VALUES = 200;
/** Longest operation name kept as a label value. */
const MAX_OPERATION_NAME_LENGTH = 64;
const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Label values chosen by callers, kept to a bounded set: past the budget every new value is "other". */
export class LabelBudget {
  private readonly seen = new Set<string>();
  constructor(private readonly max = MAX_DISTINCT_LABEL_VALUES) {}

  value(candidate: string): string {
    if (this.seen.has(candidate)) return candidate;
    if (this.seen.size >= this.max) return "other";
    this.seen.add(candidate);
    return candidate;
  }
}

/** The operation's name as a label: "anonymous" when unnamed, cut to a bounded length and set of values. */
export function operationLabel(budget: LabelBudget, name: string | null | undefined): string {
  if (!name) return "anonymous";
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_").slice(0, MAX_OPERATION_NAME_LENGTH);
  return budget.value(cleaned);
}

/** An upper-case code (Plaid error code, gateway error code, webhook code) as a label; anything else is "other". */
export function codeLabel(budget: LabelBudget, code: string | null | undefined): string {
  if (!code) return "unknown";
  return CODE_PATTERN.test(code) ? budget.value(code) : "other";
}
