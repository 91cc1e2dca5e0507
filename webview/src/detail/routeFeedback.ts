/**
 * The detail pane's routing verdict: on a call the router sent to a tier, two buttons — "Needed a
 * bigger model" / "A smaller one would do" — that write a team exemplar (POST
 * /tollgate/router/feedback through the extension) so the router learns the team's own traffic.
 * The logic (which buttons, what the status says) is pure and tested; the render is a thin shell.
 */
import type { RouteFeedbackResult } from '@contract/api';
import { h, replace } from '../dom';

export type RouteVerdict = 'bigger' | 'smaller';
const TIERS = ['small', 'medium', 'large'] as const;
type Tier = (typeof TIERS)[number];

/** The routed tier of a call (first field of its route, `medium; p=…`), or undefined when not tier-routed. */
export function routedTierOf(route: string | undefined): Tier | undefined {
  const head = route?.split(';')[0]?.trim();
  return (TIERS as readonly string[]).includes(head ?? '') ? (head as Tier) : undefined;
}

/** The verdicts that make sense for a tier (no "bigger" than large, no "smaller" than small). */
export function verdictOptions(tier: Tier): Array<{ verdict: RouteVerdict; label: string; target: Tier }> {
  const i = TIERS.indexOf(tier);
  const out: Array<{ verdict: RouteVerdict; label: string; target: Tier }> = [];
  if (i < TIERS.length - 1) out.push({ verdict: 'bigger', label: `Needed a bigger model (${TIERS[i + 1]})`, target: TIERS[i + 1]! });
  if (i > 0) out.push({ verdict: 'smaller', label: `A smaller one would do (${TIERS[i - 1]})`, target: TIERS[i - 1]! });
  return out;
}

/** Sends a verdict and returns the status line to show. */
export async function submitVerdict(send: (verdict: RouteVerdict) => Promise<RouteFeedbackResult>, verdict: RouteVerdict): Promise<{ ok: boolean; status: string }> {
  try {
    const r = await send(verdict);
    return { ok: true, status: `Saved: prompts like this one now lean to ${r.tier} (${r.exemplars} team exemplar${r.exemplars === 1 ? '' : 's'}).` };
  } catch (err) {
    return { ok: false, status: `Could not save: ${(err as Error).message}` };
  }
}

export function routeFeedbackSection(route: string | undefined, send: ((verdict: RouteVerdict) => Promise<RouteFeedbackResult>) | undefined): HTMLElement | null {
  const tier = routedTierOf(route);
  if (!tier || !send) return null;
  const status = h('span', { class: 'muted route-feedback-status', attrs: { role: 'status' } });
  const buttons = verdictOptions(tier).map(({ verdict, label }) =>
    h(
      'vscode-button',
      {
        class: `route-feedback-${verdict}`,
        attrs: { secondary: true, title: 'Adds this prompt to .tollgate/router-exemplars.tsv' },
        on: {
          click: () => {
            for (const b of buttons) b.setAttribute('disabled', '');
            replace(status, 'Saving…');
            void submitVerdict(send, verdict).then((r) => {
              replace(status, r.status);
              if (!r.ok) for (const b of buttons) b.removeAttribute('disabled');
            });
          },
        },
      },
      label,
    ),
  );
  return h('section', { class: 'detail-route-feedback' }, h('h3', null, 'Was this the right model?'), h('div', { class: 'actions' }, ...buttons, status));
}
