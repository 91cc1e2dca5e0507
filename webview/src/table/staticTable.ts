/**
 * A plain table built from a column list (the batch section's two, the semantic-quality card):
 * header cells with `scope="col"`, figures right-aligned (`num`), one row per item, cells filled
 * through h() as text or nodes, never markup. The call list is the virtual table instead.
 */
import { h, type ElementProps } from '../dom';

export interface StaticColumn<T> {
  label: string;
  /** A right-aligned figure. */
  num?: boolean;
  /** Header tooltip. */
  title?: string;
  /** A row header (`<th scope="row">`) instead of a data cell. */
  rowHeader?: boolean;
  cell(row: T): Node | string | number;
  /** More of the cell's props: an extra class, a tooltip, data-*. */
  props?(row: T): ElementProps;
}

/** A column that shows `row[key]` as text and names itself in `data-col`. */
export function field<T>(key: keyof T & string, label: string, num = false): StaticColumn<T> {
  return { label, num, cell: (r) => String(r[key]), props: () => ({ dataset: { col: key } }) };
}

const numClass = (num: boolean | undefined, extra = '') => `${num ? 'num ' : ''}${extra}`.trim();

export function staticTable<T>(props: ElementProps & { caption?: string }, columns: StaticColumn<T>[], rows: T[], rowProps: (row: T) => ElementProps): HTMLTableElement {
  const head = columns.map((c) => h('th', { class: numClass(c.num), attrs: { scope: 'col', title: c.title } }, c.label));
  const cell = (c: StaticColumn<T>, r: T) => {
    if (c.rowHeader) return h('th', { attrs: { scope: 'row' } }, c.cell(r));
    const p = c.props?.(r) ?? {};
    return h('td', { ...p, class: numClass(c.num, p.class) }, c.cell(r));
  };
  const body = rows.map((r) => h('tr', rowProps(r), ...columns.map((c) => cell(c, r))));
  const caption = props.caption ? h('caption', { class: 'visually-hidden' }, props.caption) : null;
  return h('table', props, caption, h('thead', null, h('tr', null, ...head)), h('tbody', null, ...body));
}
