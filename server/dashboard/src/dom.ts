/**
 * A small element builder. Text always goes in as text nodes, never as HTML: device ids, metric names
 * and alert messages come from devices and must not be able to inject markup.
 */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  testid?: string;
  /** `data-*` attributes, without the prefix. */
  data?: Record<string, string>;
  attrs?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class !== undefined) element.className = props.class;
  if (props.testid !== undefined) element.dataset.testid = props.testid;
  for (const [key, value] of Object.entries(props.data ?? {})) element.dataset[key] = value;
  for (const [key, value] of Object.entries(props.attrs ?? {})) element.setAttribute(key, value);
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(`${child}`) : child,
    );
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Sets text only when it changed, so unchanged values do not churn the DOM on every event. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
