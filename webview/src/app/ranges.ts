/** Time ranges the dashboard offers; the proxy buckets the series for the chosen one. */
export interface TimeRange {
  id: string;
  label: string;
  ms: number;
}

export const timeRanges: TimeRange[] = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];

export function rangeById(id: string | undefined): TimeRange {
  return timeRanges.find((r) => r.id === id) ?? timeRanges[1]!;
}
