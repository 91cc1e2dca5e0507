/**
 * The ledger's short `budget` text for a refusal caused only by calls still in flight. Pure and
 * import-free, so the editor's status bar reads the same marker the governor writes.
 *
 * Such a refusal is not an exhausted budget: the calls in flight hold their worst case until they
 * settle (usually within seconds), so the client is told `retry-after: 2`. The row keeps the usual
 * "block: <budget> <pct>%" head (older readers count it as a budget block) and adds this tail.
 */
export const IN_FLIGHT_SUMMARY_TAIL = ' (held: calls in flight)';

export function inFlightSummary(budget: string, pct: number): string {
  return `block: ${budget} ${pct}%${IN_FLIGHT_SUMMARY_TAIL}`;
}

/** True when a ledger row's `budget` text is an in-flight refusal (a short hold, not exhaustion). */
export function isInFlightRefusal(summary: string | undefined): boolean {
  return summary?.endsWith(IN_FLIGHT_SUMMARY_TAIL) ?? false;
}
