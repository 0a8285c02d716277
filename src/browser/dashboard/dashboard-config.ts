import type { SandboxItemWebhookCode } from "../../../generated/graphql.js";
import { readPageConfig } from "../page-config.js";

/** What the page's #dashboard-config block holds. */
export interface DashboardConfig {
  endpoint: string;
  /** sandboxCreateItem, sandboxResetLogin and sandboxFireWebhook (PLAID_ENV sandbox or simulator). */
  sandboxActions: boolean;
  /** "Complete update": where the gateway finishes Link for an update-mode link token (simulator only), or null. */
  linkCompletePath: string | null;
  webhookCodes: SandboxItemWebhookCode[];
}

export const readDashboardConfig = (): DashboardConfig => readPageConfig<DashboardConfig>("dashboard-config");
