/**
 * The dashboard's "work that can wait" section: per feature, what its real-time calls in the
 * selected range would have cost through batch or flex and why it looks latency-tolerant, and the
 * batches the proxy has relayed. Both come from admin routes (GET /tollgate/batch/opportunities,
 * GET /tollgate/batches) through the host, so a failure here says so in the section and leaves the
 * rest of the dashboard alone.
 */
import './batch.css';
import { h, replace } from '../dom';
import type { HostClient } from '../ipc/client';
import { batchView, opportunityHeadline, opportunityView, type BatchView, type OpportunityView } from './batchRows';

const OPPORTUNITY_COLUMNS: Array<[keyof OpportunityView, string, boolean]> = [
  ['feature', 'Feature', false],
  ['calls', 'Calls', true],
  ['cost', 'Real-time cost', true],
  ['batch', 'As batch', true],
  ['batchSaving', 'Batch saving', true],
  ['flex', 'As flex', true],
  ['flexSaving', 'Flex saving', true],
  ['tolerant', 'Latency-tolerant?', false],
];

const BATCH_COLUMNS: Array<[keyof BatchView, string, boolean]> = [
  ['id', 'Batch', false],
  ['provider', 'Provider', false],
  ['status', 'Status', false],
  ['feature', 'Feature', false],
  ['requests', 'Requests', true],
  ['cached', 'Cached', true],
  ['results', 'Results', true],
  ['cost', 'Cost (batch price)', true],
  ['realtime', 'Real-time price', true],
  ['saved', 'Saved', true],
  ['created', 'Submitted', false],
];

function table<T>(name: string, caption: string, columns: Array<[keyof T & string, string, boolean]>, rows: T[], key: (r: T) => string, rowClass?: (r: T) => string): HTMLElement {
  return h(
    'table',
    { class: 'batch-table', dataset: { table: name } },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, ...columns.map(([, label, num]) => h('th', { class: num ? 'num' : '', attrs: { scope: 'col' } }, label)))),
    h(
      'tbody',
      null,
      ...rows.map((r) =>
        h('tr', { class: rowClass?.(r) ?? '', dataset: { key: key(r) } }, ...columns.map(([k, , num]) => h('td', { class: num ? 'num' : '', dataset: { col: k } }, String(r[k])))),
      ),
    ),
  );
}

export class BatchSection {
  readonly element: HTMLElement;
  private readonly headline = h('p', { class: 'batch-headline' });
  private readonly opportunities = h('div', { class: 'batch-opportunities' });
  private readonly batches = h('div', { class: 'batch-list' });
  private seq = 0;

  constructor(private readonly client: HostClient<unknown>) {
    this.element = h(
      'section',
      { class: 'batch', attrs: { 'aria-label': 'Batch and flex' } },
      h('h2', null, 'Work that can wait: batch and flex'),
      this.headline,
      this.opportunities,
      h('h3', null, 'Batches seen by the proxy'),
      this.batches,
    );
    replace(this.headline, 'Loading batch figures…');
  }

  /** Reloads both tables for calls since `from` (the dashboard's time range). */
  async refresh(from: number): Promise<void> {
    const seq = ++this.seq;
    const [opps, list] = await Promise.allSettled([this.client.request('batch/opportunities', { from }), this.client.request('batch/list', {})]);
    if (seq !== this.seq) return;
    if (opps.status === 'fulfilled') {
      const views = opps.value.features.map(opportunityView);
      replace(this.headline, opportunityHeadline(opps.value));
      replace(
        this.opportunities,
        views.length ? table('opportunities', 'Per feature: real-time cost and the same calls as batch or flex', OPPORTUNITY_COLUMNS, views, (v) => v.feature, (v) => (v.latencyTolerant ? 'tolerant' : '')) : null,
      );
    } else {
      replace(this.headline, h('span', { class: 'tone-bad' }, `Could not load the batch figures: ${opps.reason instanceof Error ? opps.reason.message : String(opps.reason)}`));
      replace(this.opportunities);
    }
    if (list.status === 'fulfilled') {
      const views = list.value.batches.map((b) => batchView(b));
      replace(this.batches, views.length ? table('batches', 'Batches relayed by the proxy', BATCH_COLUMNS, views, (v) => v.id) : h('p', { class: 'muted' }, 'No batches yet. `tollgate batch submit file.jsonl` sends one through the proxy.'));
    } else {
      replace(this.batches, h('p', { class: 'tone-bad' }, `Could not load the batches: ${list.reason instanceof Error ? list.reason.message : String(list.reason)}`));
    }
    this.element.dataset.loaded = 'true';
  }
}
