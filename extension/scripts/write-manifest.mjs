#!/usr/bin/env node
/**
 * Writes the extension's keys of package.json (main, contributes, activationEvents, categories,
 * icon, galleryBanner) and nothing else, so several people can edit package.json safely.
 * Run under the shared lock: `flock /tmp/tollgate-npm.lock node --import tsx extension/scripts/write-manifest.mjs`
 * (tsx: the rule list comes from proxy/src/analysis/rules.ts, so settings document every rule).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const file = join(root, 'package.json');

const { RULES } = await import('../../proxy/src/analysis/rules.ts');

const severity = {
  type: 'string',
  enum: ['error', 'warning', 'info', 'hint', 'off'],
};

const { KNOWN_PROMPT_PATTERNS, DEFAULT_TEMPLATE_GLOBS } = await import('../src/analysis/promptPatterns.ts');

const commands = [
  ['tollgate.startProxy', 'Start Proxy', '$(play)'],
  ['tollgate.stopProxy', 'Stop Proxy', '$(debug-stop)'],
  ['tollgate.restartProxy', 'Restart Proxy', '$(debug-restart)'],
  ['tollgate.showProxyLog', 'Show Proxy Log', '$(output)'],
  ['tollgate.copyOpenAIBaseUrl', 'Copy OpenAI Base URL', '$(copy)'],
  ['tollgate.copyAnthropicBaseUrl', 'Copy Anthropic Base URL', '$(copy)'],
  ['tollgate.openDashboard', 'Open Cost Dashboard', '$(graph)'],
  ['tollgate.setProviderKey', 'Set Provider API Key', '$(key)'],
  ['tollgate.clearProviderKey', 'Clear Provider API Key', '$(trash)'],
  ['tollgate.exportPolicy', 'Export Policy to Another Gateway…', '$(export)'],
  ['tollgate.createPolicy', 'Create Starter Policy (.tollgate/policy.yaml)', '$(new-file)'],
  ['tollgate.showCostBreakdown', 'Show Cost Breakdown', '$(list-flat)'],
].map(([command, title, icon]) => ({ command, title, category: 'Tollgate', icon }));

const contributes = {
  commands,
  menus: {
    commandPalette: [{ command: 'tollgate.showCostBreakdown', when: 'false' }],
  },
  configuration: {
    title: 'Tollgate',
    properties: {
      'tollgate.proxy.port': {
        type: 'integer',
        default: 4141,
        minimum: 1,
        maximum: 65535,
        markdownDescription: 'Port the local Tollgate proxy listens on (always `127.0.0.1`). Apps use `http://127.0.0.1:<port>/v1` (OpenAI SDKs) or `http://127.0.0.1:<port>` (Anthropic SDK).',
      },
      'tollgate.autoStart': {
        type: 'boolean',
        default: true,
        description: 'Start the proxy when the extension activates (a prompt file opens, the workspace has .tollgate/, or a Tollgate command runs).',
      },
      'tollgate.nodePath': {
        type: 'string',
        default: '',
        scope: 'machine-overridable',
        markdownDescription: 'Node.js executable that runs the proxy (Node 20.18 or newer). Empty: `node` on `PATH`. The proxy never runs inside the VS Code extension host because its native modules are built for Node.',
      },
      'tollgate.comparisonModels': {
        type: 'array',
        items: { type: 'string' },
        default: ['gpt-4o-mini', 'gpt-4.1', 'claude-3-5-haiku-latest', 'claude-sonnet-4-0'],
        description: 'Models whose cost is shown beside the file\'s own model in the CodeLens breakdown.',
      },
      'tollgate.defaultModel': {
        type: 'string',
        default: 'gpt-4o-mini',
        description: 'Model assumed for a prompt file or call that does not name one.',
      },
      'tollgate.promptGlobs': {
        type: 'array',
        items: { type: 'string' },
        default: DEFAULT_TEMPLATE_GLOBS,
        markdownDescription: 'Globs of plain `.txt`/`.md` files treated as prompt templates. Prompty, `*.prompt.md`, `*.prompt.yml`, instruction files (`*.instructions.md`, `copilot-instructions.md`, `AGENTS.md`, `CLAUDE.md`) and `promptfooconfig.yaml` are always recognised.',
      },
      'tollgate.codeLens.enabled': {
        type: 'boolean',
        default: true,
        description: 'Show tokens and $ per call above prompts and LLM calls.',
      },
      'tollgate.diagnostics.enabled': {
        type: 'boolean',
        default: true,
        description: 'Report prompt and LLM-call problems (e.g. a missing max_tokens) as diagnostics with quick fixes.',
      },
      'tollgate.diagnostics.debounceMs': {
        type: 'integer',
        default: 300,
        minimum: 0,
        description: 'Wait this long after the last edit before re-analysing a file.',
      },
      'tollgate.rules.severity': {
        type: 'object',
        default: {},
        additionalProperties: severity,
        properties: Object.fromEntries(
          RULES.map((r) => [r.id, { ...severity, markdownDescription: `**${r.title}** (default: ${r.defaultSeverity}). ${r.description}` }]),
        ),
        markdownDescription: 'Severity per analysis rule, e.g. `{ "missing-output-limit": "error", "politeness": "off" }`. Rules not listed use their default severity.',
      },
    },
  },
  viewsContainers: {
    activitybar: [{ id: 'tollgate', title: 'Tollgate', icon: 'extension/media/tollgate.svg' }],
  },
  views: {
    tollgate: [{ id: 'tollgate.sidebar', type: 'webview', name: 'Spend', icon: 'extension/media/tollgate.svg' }],
  },
  yamlValidation: [{ fileMatch: ['.tollgate/policy.yaml', '.tollgate/policy.yml', '**/.tollgate/policy.yaml'], url: './dist/schema/policy.schema.json' }],
  jsonValidation: [{ fileMatch: ['.tollgate/policy.json'], url: './dist/schema/policy.schema.json' }],
  walkthroughs: [
    {
      id: 'tollgate.gettingStarted',
      title: 'Get started with Tollgate',
      description: 'Route your LLM calls through a local proxy that caches, enforces budgets and records every call\'s cost.',
      steps: [
        {
          id: 'policy',
          title: 'Create a policy',
          description: 'A `.tollgate/policy.yaml` holds providers, cache, budgets and routing, with completion from its JSON Schema.\n[Create starter policy](command:tollgate.createPolicy)',
          media: { markdown: 'extension/media/walkthrough/policy.md' },
          completionEvents: ['onCommand:tollgate.createPolicy'],
        },
        {
          id: 'key',
          title: 'Store a provider key',
          description: 'Keys are kept in VS Code\'s SecretStorage and handed to the proxy through its environment, never written to disk.\n[Set provider key](command:tollgate.setProviderKey)',
          media: { markdown: 'extension/media/walkthrough/key.md' },
          completionEvents: ['onCommand:tollgate.setProviderKey'],
        },
        {
          id: 'start',
          title: 'Start the proxy',
          description: 'The proxy runs under Node on 127.0.0.1 and is restarted if it stops.\n[Start proxy](command:tollgate.startProxy)',
          media: { markdown: 'extension/media/walkthrough/start.md' },
          completionEvents: ['onCommand:tollgate.startProxy'],
        },
        {
          id: 'point',
          title: 'Point your app at it',
          description: 'Use `http://127.0.0.1:4141/v1` as the OpenAI base URL, or `http://127.0.0.1:4141` for the Anthropic SDK.\n[Copy OpenAI base URL](command:tollgate.copyOpenAIBaseUrl)',
          media: { markdown: 'extension/media/walkthrough/point.md' },
          completionEvents: ['onCommand:tollgate.copyOpenAIBaseUrl', 'onCommand:tollgate.copyAnthropicBaseUrl'],
        },
        {
          id: 'dashboard',
          title: 'Watch the spend',
          description: 'The status bar shows today\'s spend and cache hit rate; the dashboard shows every call.\n[Open dashboard](command:tollgate.openDashboard)',
          media: { markdown: 'extension/media/walkthrough/dashboard.md' },
          completionEvents: ['onCommand:tollgate.openDashboard'],
        },
      ],
    },
  ],
};

const manifest = {
  main: './dist/extension/extension.cjs',
  categories: ['Machine Learning', 'Linters', 'Other'],
  icon: 'extension/media/icon.png',
  galleryBanner: { color: '#1f2430', theme: 'dark' },
  activationEvents: [
    'onLanguage:prompt',
    ...KNOWN_PROMPT_PATTERNS.slice(0, 4).map((g) => `workspaceContains:${g}`),
    'workspaceContains:.tollgate/**',
    'onWalkthrough:tollgate.gettingStarted',
  ],
  contributes,
};

const pkg = JSON.parse(readFileSync(file, 'utf8'));
for (const [k, v] of Object.entries(manifest)) pkg[k] = v;
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`package.json: wrote ${Object.keys(manifest).join(', ')}`);
