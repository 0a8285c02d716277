/** An element of the page by id; the page's markup is fixed, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

export interface ElementOptions {
  /** Set as textContent: what the page shows is never parsed as HTML. */
  text?: string;
  className?: string;
  attributes?: Record<string, string>;
}

/** A new element with its text, class, attributes and children. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, children: Node[] = []): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (options.text !== undefined) created.textContent = options.text;
  if (options.className !== undefined) created.className = options.className;
  for (const [name, value] of Object.entries(options.attributes ?? {})) created.setAttribute(name, value);
  created.append(...children);
  return created;
}

/** A <time> with the instant in the reader's locale (the ISO text itself when it does not parse). */
export function timeElement(iso: string): HTMLTimeElement {
  const date = new Date(iso);
  return element("time", { text: Number.isNaN(date.getTime()) ? iso : date.toLocaleString(), attributes: { datetime: iso } });
}
