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
  rowHeight?: number;
  rowCount(): number;
  row(index: number): CallRecord | undefined;
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

export class VirtualTable {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly body: HTMLElement;
  private readonly headerCells: HTMLElement[] = [];
  private readonly pool: RowEl[] = [];
  private readonly rowHeight: number;
  private selectedId: number | undefined;
  private frame = 0;

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
    this.viewport = h('div', { class: 'vt-viewport', attrs: { tabindex: 0, 'aria-label': 'Calls' } }, header, this.body);
    this.element = h('div', { class: 'vt', attrs: { role: 'table', 'aria-label': 'Calls through the proxy' } }, this.viewport);
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
    this.schedule();
  }

  scrollToTop(): void {
    this.viewport.scrollTop = 0;
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
    const count = this.opts.rowCount();
    const rh = this.rowHeight;
    this.body.style.height = `${count * rh}px`;
    this.element.setAttribute('aria-rowcount', String(count + 1));
    const sort = this.opts.sort();
    this.opts.columns.forEach((col, i) => {
      const cell = this.headerCells[i]!;
      const active = col.sortKey === sort.key;
      cell.setAttribute('aria-sort', active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      cell.classList.toggle('sorted', active);
      cell.dataset.dir = active ? sort.dir : '';
    });

    const viewH = this.viewport.clientHeight || 400;
    const headerH = rh;
    const top = Math.max(0, this.viewport.scrollTop - headerH);
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
    if (count > 0 && last >= count - OVERSCAN * 2) this.opts.onNearEnd();
  }

  private createRow(): RowEl {
    const cells = this.opts.columns.map((col) => h('div', { class: 'vt-cell', attrs: { role: 'cell', 'data-col': col.id } }));
    const el = h('div', { class: 'vt-row', attrs: { role: 'row' } }, ...cells);
    this.body.appendChild(el);
    return { el, cells, callId: undefined };
  }

  private onKey(ev: KeyboardEvent): void {
    const count = this.opts.rowCount();
    if (!count || !['ArrowDown', 'ArrowUp', 'Enter', 'Home', 'End'].includes(ev.key)) return;
    ev.preventDefault();
    let index = this.selectedId === undefined ? -1 : this.findIndex(this.selectedId);
    if (ev.key === 'ArrowDown') index = Math.min(count - 1, index + 1);
    else if (ev.key === 'ArrowUp') index = Math.max(0, index - 1);
    else if (ev.key === 'Home') index = 0;
    else if (ev.key === 'End') index = count - 1;
    const call = this.opts.row(Math.max(0, index));
    if (!call) return;
    if (ev.key === 'Enter') {
      this.select(call);
      return;
    }
    this.selectedId = call.id;
    const y = Math.max(0, index) * this.rowHeight;
    const vh = this.viewport.clientHeight - this.rowHeight;
    if (y < this.viewport.scrollTop) this.viewport.scrollTop = y;
    else if (y + this.rowHeight > this.viewport.scrollTop + vh) this.viewport.scrollTop = y + this.rowHeight - vh;
    this.schedule();
  }

  private findIndex(id: number): number {
    // Only the visible neighbourhood is searched first (cheap), then everything.
    for (const r of this.pool) if (r.callId === id && !r.el.hidden) return Number(r.el.dataset.index);
    const n = this.opts.rowCount();
    for (let i = 0; i < n; i++) if (this.opts.row(i)?.id === id) return i;
    return -1;
  }
}
