/**
 * The gateway versions each exporter is written against. Every export names them (README and,
 * where the format has a slot for it, the config itself), because the behaviour the mapping relies
 * on changed between releases: Bifrost flipped empty allow-lists from "allow all" to "deny all" in
 * v1.5.0, LiteLLM added budget windows and the complexity router late, and the Portkey open-source
 * build ships without a cache. `olderVersions` says what changes when a team runs an older release.
 */
export interface GatewayPin {
  /** What the export targets, as the gateway spells its version. */
  version: string;
  /** Source revision the facts in docs/export.md were read from. */
  source: string;
  /** What to change, or what stops working, on older releases. */
  olderVersions: string;
}

export const GATEWAY_PINS = {
  bifrost: {
    version: 'Bifrost v1.5.0 or later (config.json "version": 2)',
    source: 'maximhq/bifrost @ 014133a (virtual keys), 003ecc6 (config schema)',
    olderVersions:
      'Bifrost v1.4.x reads empty allow-lists as "allow all" and has no `version` field: set "version": 1 there, or remove it; `key_ids: ["*"]`, `calendar_aligned` and the `complexity_tier` routing variable are not known to v1.4.x, so budgets roll from first use and the "auto" complexity rules never match.',
  },
  litellm: {
    version: 'LiteLLM proxy with `budget_limits` and `auto_router/complexity_router` (BerriAI/litellm main, 2026)',
    source: 'BerriAI/litellm litellm/proxy/_types.py, litellm/router_strategy/complexity_router',
    olderVersions:
      'Older LiteLLM proxies ignore `budget_limits` (only the single max_budget/budget_duration pair is enforced) and have no `auto_router/complexity_router` model, so the "auto" model group fails to load; drop those entries there.',
  },
  portkey: {
    version: '@portkey-ai/gateway 1.15.2 (open-source build)',
    source: 'npm @portkey-ai/gateway 1.15.2 build/start-server.js (run by the scenario suite)',
    olderVersions:
      'Gateways before the custom-host check accept private-network custom_host values without TRUSTED_CUSTOM_HOSTS; the retry, fallback and cache behaviour documented here is the 1.x behaviour and was checked on 1.15.2 only.',
  },
} as const satisfies Record<string, GatewayPin>;
