type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Builds elements from data with textContent only: nothing from the API is ever parsed as HTML. */
export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
  return el;
}

export function section(id: string, title: string, ...body: (Child | Child[])[]): HTMLElement {
  return h('section', { class: 'panel', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...body);
}

/**
 * Tables wider than their panel (a phone's 390 px) scroll sideways inside it, and say so: the hint above the
 * table shows, and the right edge shades, only while there is more to the side than is visible.
 */
const overflow = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const region = (target.closest('.scroll') ?? target) as HTMLElement;
    if (!region.isConnected) {
      overflow.unobserve(target);
      continue;
    }
    const wrap = region.parentElement;
    const hint = wrap?.querySelector<HTMLElement>('.scroll-hint');
    const wider = region.scrollWidth > region.clientWidth + 1;
    if (wrap) wrap.toggleAttribute('data-overflow', wider);
    if (hint) hint.hidden = !wider;
  }
});

let tables = 0;

/**
 * A table with a caption for screen readers; `numeric` columns (counts, amounts, rates) are right-aligned, so
 * digits line up. A table wider than its panel scrolls sideways in a focusable region, with a visible hint.
 */
export function table(caption: string, head: string[], rows: Child[][], testId?: string, numeric: readonly number[] = []): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty', 'data-testid': testId }, `${caption}: none`);
  const cls = (i: number) => (numeric.includes(i) ? 'num' : undefined);
  const hintId = `scroll-hint-${++tables}`;
  const grid = h(
    'table',
    { 'data-testid': testId },
    h('caption', { class: 'sr-only' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c, i) => h('th', { scope: 'col', class: cls(i) }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c, i) => h('td', { class: cls(i) }, c)),
        ),
      ),
    ),
  );
  const region = h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': caption, 'aria-describedby': hintId }, grid);
  const wrap = h(
    'div',
    { class: 'table-wrap' },
    h(
      'p',
      { class: 'scroll-hint', id: hintId, hidden: true },
      'More columns to the right: scroll sideways ',
      h('span', { 'aria-hidden': 'true' }, '→'),
    ),
    region,
  );
  overflow.observe(region);
  overflow.observe(grid);
  return wrap;
}
