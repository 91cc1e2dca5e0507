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
import { field, staticTable, type StaticColumn } from '../table/staticTable';
import { batchView, opportunityHeadline, opportunityView, type BatchView, type OpportunityView } from './batchRows';

const OPPORTUNITY_COLUMNS: StaticColumn<OpportunityView>[] = [
  field('feature', 'Feature'),
  field('calls', 'Calls', true),
  field('cost', 'Real-time cost', true),
  field('batch', 'As batch', true),
  field('batchSaving', 'Batch saving', true),
  field('flex', 'As flex', true),
  field('flexSaving', 'Flex saving', true),
  field('tolerant', 'Latency-tolerant?'),
];

const BATCH_COLUMNS: StaticColumn<BatchView>[] = [
  field('id', 'Batch'),
  field('provider', 'Provider'),
  field('status', 'Status'),
  field('feature', 'Feature'),
  field('requests', 'Requests', true),
  field('cached', 'Cached', true),
  field('results', 'Results', true),
  field('cost', 'Cost (batch price)', true),
  field('realtime', 'Real-time price', true),
  field('saved', 'Saved', true),
  field('created', 'Submitted'),
];

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
      const props = { class: 'batch-table', dataset: { table: 'opportunities' }, caption: 'Per feature: real-time cost and the same calls as batch or flex' };
      replace(this.opportunities, views.length ? staticTable(props, OPPORTUNITY_COLUMNS, views, (v) => ({ class: v.latencyTolerant ? 'tolerant' : '', dataset: { key: v.feature } })) : null);
    } else {
      replace(this.headline, h('span', { class: 'tone-bad' }, `Could not load the batch figures: ${opps.reason instanceof Error ? opps.reason.message : String(opps.reason)}`));
      replace(this.opportunities);
    }
    if (list.status === 'fulfilled') {
      const views = list.value.batches.map((b) => batchView(b));
      const empty = h('p', { class: 'muted' }, 'No batches yet. `tollgate batch submit file.jsonl` sends one through the proxy.');
      replace(this.batches, views.length ? staticTable({ class: 'batch-table', dataset: { table: 'batches' }, caption: 'Batches relayed by the proxy' }, BATCH_COLUMNS, views, (v) => ({ dataset: { key: v.id } })) : empty);
    } else {
      replace(this.batches, h('p', { class: 'tone-bad' }, `Could not load the batches: ${list.reason instanceof Error ? list.reason.message : String(list.reason)}`));
    }
    this.element.dataset.loaded = 'true';
  }
}
