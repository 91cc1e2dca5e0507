/**
 * The starter `.tollgate/policy.yaml` written by "Tollgate: Create Starter Policy". Pure text; a
 * test checks it against the policy schema so it never drifts from what the proxy accepts.
 */
export const STARTER_POLICY = `# Tollgate policy: providers, cache, budgets and routing for the local proxy.
# Completion and validation come from Tollgate's JSON Schema (needs the "YAML" extension by Red Hat).
# Keys are never written here: use "Tollgate: Set Provider API Key" (stored in the OS keychain).
version: 1

providers:
  openai: {}        # https://api.openai.com/v1, key from OPENAI_API_KEY
  anthropic: {}     # https://api.anthropic.com, key from ANTHROPIC_API_KEY

cache:
  enabled: true
  ttlSeconds: 604800          # one week
  semantic:
    enabled: false            # serve answers to prompts that mean the same as an earlier one

budgets:
  - name: daily
    period: day
    usd: 5
    warnAt: 0.8               # notify at 80 %
    action: block             # or: downgrade, allow

defaults:
  maxOutputTokens: 4096       # assumed when a request sets no limit (for budget reservations)
`;
