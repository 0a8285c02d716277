import type { DashboardItemFragment } from "../../../generated/graphql.js";
import { byId, element, timeElement } from "./dom.js";

/** Which row buttons the gateway offers (see DashboardConfig). */
export interface RowActions {
  sandboxActions: boolean;
  /** Where the gateway finishes Link for update mode (simulator only), or null. */
  linkCompletePath: string | null;
  webhookCodes: readonly string[];
}

const time = (iso: string): number => new Date(iso).getTime();

/** Whether the row on show is newer than what arrived: a later status change, or the same one confirmed later. */
const newer = (shown: DashboardItemFragment, arrived: DashboardItemFragment): boolean =>
  time(shown.statusChangedAt) > time(arrived.statusChangedAt) || (time(shown.statusChangedAt) === time(arrived.statusChangedAt) && time(shown.syncedAt) > time(arrived.syncedAt));

function actionsCell(item: DashboardItemFragment, actions: RowActions, admin: boolean): HTMLTableCellElement {
  const buttons = element("div", { className: "buttons" });
  const cell = element("td", { className: "actions" }, [buttons]);
  if (item.status === "REMOVED") return cell;
  const button = (action: string, text: string) => element("button", { className: action, text, attributes: { type: "button", "data-action": action } });
  if (actions.sandboxActions) {
    const codes = actions.webhookCodes.map((code) => element("option", { text: code, attributes: { value: code } }));
    buttons.append(
      button("reset-login", "Reset login"),
      element("select", { className: "webhook-code", attributes: { "aria-label": "Webhook code" } }, codes),
      button("fire-webhook", "Fire webhook"),
    );
  }
  if (actions.linkCompletePath !== null) buttons.append(button("complete-update", "Complete update"));
  if (admin) buttons.append(button("rotate-token", "Rotate access token"));
  return cell;
}

function row(item: DashboardItemFragment, actions: RowActions, admin: boolean): HTMLTableRowElement {
  const tr = element("tr", { attributes: { "data-item-id": item.id, "data-status": item.status } }, [
    element("td", { className: "item-id", text: item.id }),
    element("td", { className: "owner", text: item.owner.clientUserId }),
    element("td", { className: "institution", text: item.institution ? item.institution.name || item.institution.id : "" }),
    element("td", { className: "status" }, [element("span", { className: "badge", text: item.status, attributes: { "data-status": item.status } })]),
    element("td", { className: "recommended-action", text: item.recommendedAction }),
    element("td", { className: "changed" }, [timeElement(item.statusChangedAt)]),
    element("td", { className: "confirmed" }, [timeElement(item.syncedAt)]),
    actionsCell(item, actions, admin),
  ]);
  if (item.error) tr.title = item.error.errorCode;
  return tr;
}

/** The Items on show, one row each, newest status change first (as the gateway lists them). */
export class ItemTable {
  private readonly items = new Map<string, DashboardItemFragment>();
  /** Admins get the admin row actions (rotating an Item's access token). */
  private admin = false;

  constructor(private readonly actions: RowActions) {}

  /** Who is signed in decides the admin row actions. */
  setAdmin(admin: boolean): void {
    this.admin = admin;
    this.render();
  }

  /** Keeps the newer of what is shown and what arrived (a list answer can be older than a live event or a mutation's answer); re-renders on a change. */
  upsert(...items: DashboardItemFragment[]): void {
    let changed = false;
    for (const item of items) {
      const shown = this.items.get(item.id);
      if (shown && newer(shown, item)) continue;
      this.items.set(item.id, item);
      changed = true;
    }
    if (changed) this.render();
  }

  clear(): void {
    this.items.clear();
    this.render();
  }

  private render(): void {
    const body = byId("item-rows");
    const sorted = [...this.items.values()].sort((a, b) => time(b.statusChangedAt) - time(a.statusChangedAt) || (a.id < b.id ? -1 : 1));
    const rows = sorted.map((item) => row(item, this.actions, this.admin));
    // Each row keeps the webhook code it had picked.
    for (const tr of rows) {
      const picked = body.querySelector<HTMLSelectElement>(`tr[data-item-id="${CSS.escape(tr.dataset.itemId ?? "")}"] select.webhook-code`);
      const select = tr.querySelector<HTMLSelectElement>("select.webhook-code");
      if (picked && select) select.value = picked.value;
    }
    body.replaceChildren(...rows);
    byId("empty").hidden = rows.length > 0;
    byId("item-count").textContent = rows.length === 1 ? "1 Item" : `${rows.length} Items`;
  }
}
