/**
 * Tiny DOM builder. Text always goes in as text nodes (never innerHTML), so call data such as
 * prompts and tags cannot inject markup; styles are set through CSSOM, which the CSP allows.
 */
type Child = Node | string | number | null | undefined | false;

export interface ElementProps {
  class?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: Partial<Record<keyof HTMLElementEventMap | string, (ev: Event) => void>>;
  dataset?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: ElementProps | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: ElementProps | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: ElementProps | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (props?.class) el.className = props.class;
  for (const [k, v] of Object.entries(props?.attrs ?? {})) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [k, v] of Object.entries(props?.dataset ?? {})) el.dataset[k] = v;
  for (const [k, fn] of Object.entries(props?.on ?? {})) if (fn) el.addEventListener(k, fn);
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replace all children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}
