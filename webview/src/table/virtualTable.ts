/**
 * A virtualised call table: only the rows in view (plus a small overscan) exist in the DOM, and
 * their elements are recycled while scrolling, so 100,000 loaded calls scroll like 100. The header
 * lives inside the scroll viewport (sticky) so horizontal scrolling keeps it aligned.
 */
import { h } from '../dom';
import type { CallRecord } from '../protocol';
import type { SortSpec } from '../state/callStore';
import type { Column } from './columns';

export interface VirtualTableOptions {
  columns: Column[];
  /** Fixed row height in px; by default it follows the table's font size (ROW_EMS). */
  rowHeight?: number;
  rowCount(): number;
  totalRows(): number; // loaded or not: the grid's aria-rowcount (a screen reader says "row 3 of <this>")
  row(index: number): CallRecord | undefined;
  /** Display index of a loaded call, or -1. */
  indexOf(id: number): number;
  sort(): SortSpec;
  onSort(column: Column): void;
  onSelect(call: CallRecord): void;
  /** Called when the user scrolls near the last loaded row. */
  onNearEnd(): void;
}

interface RowEl {
  el: HTMLElement;
  cells: HTMLElement[];
  callId: number | undefined;
}

const OVERSCAN = 8;
/**
 * Row height in font sizes: 26 px at VS Code's 13 px. A fixed 26 px cut and overlapped the text
 * once the user zoomed or set a larger font (a 20 px font has a 28 px line).
 */
const ROW_EMS = 2;
/** Row element ids, unique in the page (aria-activedescendant points at one). */
let rowIds = 0;
/**
 * Keys the table handles: Space opens a row like Enter (it would otherwise scroll the page), and
 * PageUp/PageDown move the active row by a page as in a grid (WAI-ARIA grid pattern), instead of
 * the browser scrolling it out of view.
 */
const KEYS = ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Enter', ' ', 'Home', 'End'];

export class VirtualTable {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly body: HTMLElement;
  private readonly headerCells: HTMLElement[] = [];
  private readonly pool: RowEl[] = [];
  private rowHeight: number;
  private selectedId: number | undefined;
  private frame = 0;
  /** The call at the top of the view at the last render, to keep it there when rows are added above it. */
  private anchor: { id: number; index: number } | undefined;
  private dataChanged = false;

  constructor(private readonly opts: VirtualTableOptions) {
    this.rowHeight = opts.rowHeight ?? 26;
    const header = h('div', { class: 'vt-row vt-header', attrs: { role: 'row' } });
    for (const col of opts.columns) {
      const cell = h(
        'div',
        { class: `vt-cell${col.numeric ? ' num' : ''}`, attrs: { role: 'columnheader', 'data-col': col.id } },
        col.sortKey ? h('button', { class: 'vt-sort', attrs: { type: 'button', title: `Sort by ${col.label}` }, on: { click: () => opts.onSort(col) } }, col.label) : col.label,
      );
      this.headerCells.push(cell);
      header.appendChild(cell);
    }
    this.body = h('div', { class: 'vt-body', attrs: { role: 'rowgroup' } });
    // The focusable viewport is the grid itself, so aria-activedescendant can tell a screen reader
    // which row the arrow keys moved to (focus stays on the viewport; rows are recycled elements).
    this.viewport = h('div', { class: 'vt-viewport', attrs: { tabindex: 0, role: 'grid', 'aria-readonly': 'true', 'aria-label': 'Calls through the proxy' } }, header, this.body);
    this.element = h('div', { class: 'vt' }, this.viewport);
    this.element.style.setProperty('--vt-cols', opts.columns.map((c) => c.width).join(' '));
    this.element.style.setProperty('--vt-row-h', `${this.rowHeight}px`);
    this.viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.viewport.addEventListener('keydown', (ev) => this.onKey(ev));
    this.body.addEventListener('click', (ev) => {
      const rowEl = (ev.target as HTMLElement).closest<HTMLElement>('.vt-row');
      const id = rowEl?.dataset.id;
      if (!id) return;
      const index = Number(rowEl.dataset.index);
      const call = this.opts.row(index);
      if (call) this.select(call);
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** Data or sort changed: re-render on the next frame. */
  refresh(): void {
    this.dataChanged = true;
    this.schedule();
  }

  /** Keyboard focus back on the table (e.g. after the detail it opened closes). */
  focus(): void {
    this.viewport.focus();
  }

  scrollToTop(): void {
    this.viewport.scrollTop = 0;
    this.anchor = undefined;
  }

  setSelected(id: number | undefined): void {
    this.selectedId = id;
    this.schedule();
  }

  private select(call: CallRecord): void {
    this.setSelected(call.id);
    this.opts.onSelect(call);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.measureRowHeight();
    const count = this.opts.rowCount();
    const rh = this.rowHeight;
    this.body.style.height = `${count * rh}px`;
    this.viewport.setAttribute('aria-rowcount', String(Math.max(count, this.opts.totalRows()) + 1));
    const sort = this.opts.sort();
    this.opts.columns.forEach((col, i) => {
      const cell = this.headerCells[i]!;
      const active = col.sortKey === sort.key;
      cell.setAttribute('aria-sort', active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      cell.classList.toggle('sorted', active);
      cell.dataset.dir = active ? sort.dir : '';
    });

    this.keepAnchor(count);
    const viewH = this.viewport.clientHeight || 400;
    const headerH = rh;
    const top = Math.max(0, this.viewport.scrollTop - headerH);
    const firstInView = Math.min(count - 1, Math.floor(top / rh));
    const anchorCall = firstInView >= 0 ? this.opts.row(firstInView) : undefined;
    this.anchor = anchorCall ? { id: anchorCall.id, index: firstInView } : undefined;
    const first = Math.max(0, Math.floor(top / rh) - OVERSCAN);
    const last = Math.min(count, Math.ceil((top + viewH) / rh) + OVERSCAN);
    const needed = Math.max(0, last - first);
    while (this.pool.length < needed) this.pool.push(this.createRow());
    for (let k = 0; k < this.pool.length; k++) {
      const r = this.pool[k]!;
      const index = first + k;
      const call = k < needed ? this.opts.row(index) : undefined;
      if (!call) {
        r.el.hidden = true;
        r.callId = undefined;
        continue;
      }
      r.el.hidden = false;
      r.el.style.transform = `translateY(${index * rh}px)`;
      r.el.dataset.index = String(index);
      r.el.setAttribute('aria-rowindex', String(index + 2));
      const selected = call.id === this.selectedId;
      r.el.classList.toggle('selected', selected);
      r.el.setAttribute('aria-selected', String(selected));
      if (r.callId === call.id) continue; // same call as last frame: cells are current
      r.callId = call.id;
      r.el.dataset.id = String(call.id);
      r.el.classList.toggle('error', call.status >= 400);
      this.opts.columns.forEach((col, i) => {
        const cell = r.cells[i]!;
        cell.textContent = col.text(call);
        cell.title = col.title?.(call) ?? cell.textContent;
        const tone = col.tone?.(call);
        cell.className = `vt-cell${col.numeric ? ' num' : ''}${tone ? ` ${tone}` : ''}`;
      });
    }
    const active = this.selectedId === undefined ? undefined : this.pool.find((r) => r.callId === this.selectedId && !r.el.hidden);
    if (active) this.viewport.setAttribute('aria-activedescendant', active.el.id);
    else this.viewport.removeAttribute('aria-activedescendant');
    if (count > 0 && last >= count - OVERSCAN * 2) this.opts.onNearEnd();
  }

  /**
   * Rows as tall as the font asks (it changes with VS Code's zoom or font size setting, which the
   * webview sees as --vscode-font-size): the scroll position scales with them, so the rows in view stay.
   */
  private measureRowHeight(): void {
    if (this.opts.rowHeight !== undefined) return;
    const fontPx = parseFloat(getComputedStyle(this.body).fontSize);
    if (!(fontPx > 0)) return;
    const rh = Math.round(fontPx * ROW_EMS);
    if (rh === this.rowHeight) return;
    const top = this.viewport.scrollTop;
    this.body.style.height = `${this.opts.rowCount() * rh}px`;
    this.viewport.scrollTop = (top * rh) / this.rowHeight;
    this.rowHeight = rh;
    this.element.style.setProperty('--vt-row-h', `${rh}px`);
  }

  /**
   * Live calls go in above the rows a scrolled-down user is reading (newest first, or anywhere in a
   * sorted view): move the scroll position with them so the rows in view stay put, instead of
   * sliding away by a batch every 50 ms (and a click landing on another call than aimed at).
   * At the very top the view follows the newest calls, as a live table should.
   */
  private keepAnchor(count: number): void {
    const changed = this.dataChanged;
    this.dataChanged = false;
    const a = this.anchor;
    if (!changed || !a || this.viewport.scrollTop <= 0 || !count) return;
    if (this.opts.row(a.index)?.id === a.id) return;
    const index = this.opts.indexOf(a.id);
    if (index < 0) return;
    this.viewport.scrollTop += (index - a.index) * this.rowHeight;
  }

  private createRow(): RowEl {
    const cells = this.opts.columns.map((col) => h('div', { class: 'vt-cell', attrs: { role: 'gridcell', 'data-col': col.id } }));
    const el = h('div', { class: 'vt-row', attrs: { role: 'row', id: `vt-row-${rowIds++}` } }, ...cells);
    this.body.appendChild(el);
    return { el, cells, callId: undefined };
  }

  private onKey(ev: KeyboardEvent): void {
    const count = this.opts.rowCount();
    if (!count || !KEYS.includes(ev.key) || ev.target !== this.viewport) return;
    ev.preventDefault();
    const from = this.selectedId === undefined ? -1 : this.findIndex(this.selectedId);
    const vh = this.viewport.clientHeight - this.rowHeight; // below the sticky header
    const page = Math.max(1, Math.floor(vh / this.rowHeight));
    let index = from;
    if (ev.key === 'ArrowDown') index = Math.min(count - 1, index + 1);
    else if (ev.key === 'ArrowUp') index = Math.max(0, index - 1);
    else if (ev.key === 'PageDown') index = Math.min(count - 1, Math.max(0, index) + page);
    else if (ev.key === 'PageUp') index = Math.max(0, index - page);
    else if (ev.key === 'Home') index = 0;
    else if (ev.key === 'End') index = count - 1;
    const call = this.opts.row(Math.max(0, index));
    if (!call) return;
    if (ev.key === 'Enter' || ev.key === ' ') {
      this.select(call);
      return;
    }
    this.selectedId = call.id;
    const y = Math.max(0, index) * this.rowHeight;
    // Positioned from the current rows: no anchoring against where the rows were last frame.
    this.anchor = undefined;
    // A page moves the view with the row, so it keeps its place on screen (then it is kept in view below).
    if (ev.key === 'PageDown' || ev.key === 'PageUp') this.viewport.scrollTop += (index - Math.max(0, from)) * this.rowHeight;
    if (y < this.viewport.scrollTop) this.viewport.scrollTop = y;
    else if (y + this.rowHeight > this.viewport.scrollTop + vh) this.viewport.scrollTop = y + this.rowHeight - vh;
    this.schedule();
  }

  private findIndex(id: number): number {
    // Only the visible neighbourhood is searched first (cheap), then everything.
    for (const r of this.pool) if (r.callId === id && !r.el.hidden) return Number(r.el.dataset.index);
    return this.opts.indexOf(id);
  }
}
