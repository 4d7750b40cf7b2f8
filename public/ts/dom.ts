// Small DOM helpers. Text always goes in as text (textContent), never as HTML.

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates an element; attributes are set in the order given, children appended as nodes or text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** The element with this id, or an error naming what the page is missing. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** Parses the page's `<script type="application/json" id="boot">` block. */
export function bootData<T>(): T {
  return JSON.parse(byId('boot').textContent ?? 'null') as T;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICON_PATHS: Record<string, string[]> = {
  close: ['M6 6l12 12M18 6L6 18'],
  file: [
    'M14 3.5H7A1.5 1.5 0 0 0 5.5 5v14A1.5 1.5 0 0 0 7 20.5h10a1.5 1.5 0 0 0 1.5-1.5V8z',
    'M14 3.5V8h4.5',
  ],
  image: [
    'M5.5 4.5h13a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2h-13a2 2 0 0 1-2-2v-11a2 2 0 0 1 2-2z',
    'M20.5 16l-5-5-9 8.5',
  ],
};

/** A decorative icon like views/partials/icon.ejs (the control around it carries the name). */
export function icon(name: keyof typeof ICON_PATHS & string, size = 20): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  const attrs = { class: 'icon', viewBox: '0 0 24 24', width: size, height: size, 'aria-hidden': 'true' };
  for (const [attr, value] of Object.entries(attrs)) svg.setAttribute(attr, String(value));
  svg.setAttribute('focusable', 'false');
  for (const d of ICON_PATHS[name] ?? []) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}
