/**
 * What a new user copies to send their app through the proxy: base URLs for the OpenAI and
 * Anthropic SDKs plus Node and Python snippets, for the proxy this dashboard is connected to. Pure.
 */
export interface Snippet {
  id: string;
  title: string;
  language: 'javascript' | 'python' | 'shell' | 'text';
  code: string;
}

export interface Onboarding {
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  snippets: Snippet[];
}

export function onboarding(proxyUrl: string): Onboarding {
  const base = proxyUrl.replace(/\/+$/, '');
  const openaiBaseUrl = `${base}/v1`;
  const anthropicBaseUrl = base;
  return {
    openaiBaseUrl,
    anthropicBaseUrl,
    snippets: [
      {
        id: 'env',
        title: 'Environment (most SDKs read these)',
        language: 'shell',
        code: `export OPENAI_BASE_URL=${openaiBaseUrl}\nexport ANTHROPIC_BASE_URL=${anthropicBaseUrl}`,
      },
      {
        id: 'node-openai',
        title: 'Node — openai',
        language: 'javascript',
        code: [
          "import OpenAI from 'openai';",
          '',
          'const client = new OpenAI({',
          `  baseURL: '${openaiBaseUrl}',`,
          "  // optional: tags that group spend on the dashboard",
          "  defaultHeaders: { 'x-tollgate-feature': 'search', 'x-tollgate-team': 'web' },",
          '});',
        ].join('\n'),
      },
      {
        id: 'python-openai',
        title: 'Python — openai',
        language: 'python',
        code: [
          'from openai import OpenAI',
          '',
          'client = OpenAI(',
          `    base_url="${openaiBaseUrl}",`,
          '    # optional: tags that group spend on the dashboard',
          '    default_headers={"x-tollgate-feature": "search", "x-tollgate-team": "web"},',
          ')',
        ].join('\n'),
      },
      {
        id: 'node-anthropic',
        title: 'Node — @anthropic-ai/sdk',
        language: 'javascript',
        code: ["import Anthropic from '@anthropic-ai/sdk';", '', `const client = new Anthropic({ baseURL: '${anthropicBaseUrl}' });`].join('\n'),
      },
      {
        id: 'python-anthropic',
        title: 'Python — anthropic',
        language: 'python',
        code: ['from anthropic import Anthropic', '', `client = Anthropic(base_url="${anthropicBaseUrl}")`].join('\n'),
      },
    ],
  };
}
