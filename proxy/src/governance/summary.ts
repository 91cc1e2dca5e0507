/**
 * The ledger's short `budget` text for a refusal caused only by calls still in flight. Pure.
 *
 * Such a refusal is not an exhausted budget: the calls in flight hold their worst case until they
 * settle (usually within seconds), so the client is told `retry-after: 2`. The row keeps the usual
 * "block: <budget> <pct>%" head (older readers count it as a budget block) and adds the contract's
 * tail, which the editor's status bar reads (contract/api.ts, IN_FLIGHT_HOLD_TAIL).
 */
import { IN_FLIGHT_HOLD_TAIL } from '../../../contract/api';

export function inFlightSummary(budget: string, pct: number): string {
  return `block: ${budget} ${pct}%${IN_FLIGHT_HOLD_TAIL}`;
}
