/** The configuration a page carries as a `<script type="application/json">` block (no inline script runs). */
export function readPageConfig<T>(elementId: string): T {
  const element = document.getElementById(elementId);
  if (!element?.textContent) throw new Error(`The page has no #${elementId} configuration`);
  return JSON.parse(element.textContent) as T;
}
