/**
 * `--since` / `--until` for `tollgate batch from-ledger`, in the user's local time: "yesterday"
 * (that whole day), "today", a date (YYYY-MM-DD: from its midnight; as --until, through the end of
 * that day), an ISO date-time, or epoch milliseconds (or seconds, ten digits). Pure (the clock is a parameter).
 */
export class PeriodError extends Error {}

const pad = (n: number) => String(n).padStart(2, '0');
/** Local date and time, minutes precision ("2026-11-29 00:00"): how a period read here is said back. */
export function formatLocal(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function midnight(d: Date, plusDays = 0): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + plusDays).getTime();
}

/** One bound; `end` reads a bare date as the end of that day. */
function parseBound(text: string, now: number, end: boolean): number {
  const t = text.trim().toLowerCase();
  const today = new Date(now);
  if (t === 'today') return end ? midnight(today, 1) : midnight(today);
  if (t === 'yesterday') return end ? midnight(today) : midnight(today, -1);
  if (t === 'now') return now;
  // Ten digits are epoch seconds (`date +%s`): as milliseconds they were January 1970.
  if (/^\d{10,}$/.test(t)) return Number(t) * (t.length === 10 ? 1000 : 1);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (day) {
    const d = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    if (d.getMonth() !== Number(day[2]) - 1) throw new PeriodError(`${text} is not a date`);
    return end ? midnight(d, 1) : d.getTime();
  }
  const iso = Date.parse(text);
  if (Number.isFinite(iso) && /^\d{4}-\d{2}-\d{2}T/i.test(text.trim())) return iso;
  throw new PeriodError(`cannot read "${text}" as a time: use yesterday, today, YYYY-MM-DD, an ISO date-time or epoch milliseconds or seconds`);
}

/** since ≤ ts < until. Without --until: "yesterday" ends at midnight today, anything else now. */
export function parsePeriod(since: string, until: string | undefined, now = Date.now()): { since: number; until: number } {
  const from = parseBound(since, now, false);
  const to = until !== undefined ? parseBound(until, now, true) : since.trim().toLowerCase() === 'yesterday' ? parseBound('yesterday', now, true) : now + 1;
  if (to <= from) throw new PeriodError('--until must be after --since');
  return { since: from, until: to };
}
