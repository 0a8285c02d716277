/** The dashboard's stylesheet (served as /assets/dashboard.css). System fonts only: nothing to download. */
export const DASHBOARD_STYLES = String.raw`:root {
  color-scheme: light dark;
  --fg: #1d2330;
  --muted: #5d6678;
  --bg: #f6f7f9;
  --panel: #ffffff;
  --line: #dde1e7;
  --accent: #2456d6;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px;
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9ef; --muted: #9aa3b5; --bg: #14171d; --panel: #1c2028; --line: #2e3440; --accent: #7aa2ff; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: 1rem; padding: 0.75rem 1.25rem; background: var(--panel); border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0; }
header nav { margin-left: auto; display: flex; gap: 1rem; align-items: center; }
header a { color: var(--accent); }
main, #signin { padding: 1.25rem; max-width: 1200px; margin: 0 auto; }
#signin form { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; display: grid; gap: 0.75rem; max-width: 720px; }
#signin textarea { width: 100%; min-height: 6rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8rem; word-break: break-all; }
.hint { color: var(--muted); margin: 0; font-size: 0.85rem; }
.error, #signin-error { color: #c0352b; min-height: 1.2em; margin: 0; }
button, select { font: inherit; font-size: 0.85rem; padding: 0.3rem 0.6rem; border-radius: 5px; border: 1px solid var(--line); background: var(--panel); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:disabled { opacity: 0.5; cursor: progress; }
.toolbar { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-bottom: 0.75rem; }
.toolbar .who { margin-right: auto; color: var(--muted); }
#message { min-height: 1.4em; margin: 0 0 0.75rem; color: var(--muted); }
#message[data-kind="error"] { color: #c0352b; }
table { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 0.5rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: middle; font-size: 0.88rem; }
th { color: var(--muted); font-weight: 600; background: color-mix(in srgb, var(--panel) 92%, var(--fg)); }
td.item-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.78rem; word-break: break-all; max-width: 16rem; }
body:not([data-admin="true"]) .owner { display: none; }
td.actions .buttons { display: flex; gap: 0.35rem; flex-wrap: wrap; }
.badge { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 999px; font-size: 0.75rem; font-weight: 600; background: #e4e7ec; color: #333; }
.badge[data-status="HEALTHY"] { background: #d8f3e1; color: #13622f; }
.badge[data-status="LOGIN_REQUIRED"], .badge[data-status="ERROR"] { background: #fde1de; color: #9b241a; }
.badge[data-status="PENDING_EXPIRATION"], .badge[data-status="PENDING_DISCONNECT"] { background: #fff0cc; color: #7a5500; }
.badge[data-status="PERMISSION_REVOKED"], .badge[data-status="REMOVED"] { background: #e4e7ec; color: #4a5261; }
#live-status { font-size: 0.8rem; padding: 0.15rem 0.55rem; border-radius: 999px; background: #e4e7ec; color: #333; }
#live-status[data-state="live"] { background: #d8f3e1; color: #13622f; }
#live-status[data-state="reconnecting"], #live-status[data-state="connecting"] { background: #fff0cc; color: #7a5500; }
#empty { color: var(--muted); }
#events { margin-top: 1.25rem; }
#events h2 { font-size: 0.95rem; }
#event-log { list-style: none; padding: 0; margin: 0; font-size: 0.82rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
#event-log li { padding: 0.2rem 0; border-bottom: 1px dashed var(--line); }
#event-log time { color: var(--muted); }
[hidden] { display: none !important; }
`;
