/**
 * Haystack's integration generators and Pydantic AI agents built on a model object, as their docs
 * write them:
 * - `AnthropicChatGenerator` (haystack-ai integrations) sends `max_tokens` 1,024 when
 *   `generation_kwargs` has none: a bound for the worst case, not a missing limit;
 * - `OllamaChatGenerator` / `OllamaGenerator` hand `generation_kwargs` to Ollama as its `options`,
 *   where the limit is `num_predict`;
 * - `Agent(OpenAIChatModel("gpt-4o"))` / `Agent(AnthropicModel("claude-…"))`: the model class names
 *   the provider and its first argument the model.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits, pythonHasErrors } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const py = (...l: string[]) => analyzeFile({ path: '/repo/pipeline.py', text: lines(...l) });

describe('Haystack integration generators', () => {
  it('AnthropicChatGenerator without max_tokens is bounded by its 1,024 default: a lens with a worst case, no finding', async () => {
    const r = await py(
      'from haystack_integrations.components.generators.anthropic import AnthropicChatGenerator',
      'gen = AnthropicChatGenerator(model="claude-sonnet-4-20250514", generation_kwargs={"temperature": 0.2})',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]!.model).toBe('claude-sonnet-4-20250514');
    expect(r.calls[0]!.label).toContain('1,024 output');
  });

  it.each([
    ['AnthropicGenerator', 'claude-3-5-sonnet-20241022', '512 output'],
    ['AnthropicFoundryChatGenerator', 'claude-sonnet-4-5', '1,024 output'],
  ])('%s (anthropic/generator.py sends 512, the Foundry chat generator its parent’s 1,024): a lens with that worst case', async (cls, model, worst) => {
    const r = await py(`from haystack_integrations.components.generators.anthropic import ${cls}`, `gen = ${cls}(model="${model}")`);
    expect(r.diagnostics).toEqual([]);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]!.model).toBe(model);
    expect(r.calls[0]!.label).toContain(worst);
  });

  describe('AmazonBedrockGenerator: max_length (or the family’s own key) per model family', () => {
    const imp = 'from haystack_integrations.components.generators.amazon_bedrock import AmazonBedrockGenerator';
    it('Claude without one: Bedrock rejects the body, an error with a max_length fix', async () => {
      const text = lines(imp, 'gen = AmazonBedrockGenerator(model="us.anthropic.claude-3-5-sonnet-20240620-v1:0")');
      const r = await analyzeFile({ path: '/repo/pipeline.py', text });
      expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['anthropic-missing-max-tokens']);
      expect(r.diagnostics[0]!.message).toContain('Bedrock rejects the request without it');
      const fixed = applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits);
      expect(fixed).toContain('max_length=1024)');
      expect(await pythonHasErrors(fixed)).toBe(false);
      expect((await analyzeFile({ path: '/repo/pipeline.py', text: fixed })).diagnostics).toEqual([]);
    });
    it.each([
      ['model="anthropic.claude-3-5-sonnet-20240620-v1:0", max_length=300', '300 output'],
      ['model="anthropic.claude-3-5-sonnet-20240620-v1:0", max_tokens=300', '300 output'],
      ['model="meta.llama3-70b-instruct-v1:0", max_gen_len=200', '200 output'],
      ['model="meta.llama3-70b-instruct-v1:0"', '512 output'],
      ['model="amazon.titan-text-express-v1"', '512 output'],
    ])('AmazonBedrockGenerator(%s): bounded, %s', async (args, worst) => {
      const r = await py(imp, `gen = AmazonBedrockGenerator(${args})`);
      expect(r.diagnostics).toEqual([]);
      expect(r.calls[0]!.label).toContain(worst);
    });
    it('Mistral stops at a default of its own; a per-run generation_kwargs may carry the limit', async () => {
      expect((await py(imp, 'gen = AmazonBedrockGenerator(model="mistral.mistral-large-2402-v1:0")')).diagnostics).toEqual([]);
      const perRun = await py(imp, 'gen = AmazonBedrockGenerator(model="anthropic.claude-3-haiku-20240307-v1:0")', 'gen.run("Hi", generation_kwargs={"max_tokens": 100})');
      expect(perRun.diagnostics).toEqual([]);
    });
  });

  it('AnthropicGenerator with generation_kwargs max_tokens uses it', async () => {
    const r = await py(
      'from haystack_integrations.components.generators.anthropic import AnthropicGenerator',
      'gen = AnthropicGenerator(model="claude-3-5-sonnet-20241022", generation_kwargs={"max_tokens": 300})',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.calls[0]!.label).toContain('300 output');
  });

  it('AnthropicChatGenerator with its own max_tokens uses it', async () => {
    const r = await py(
      'from haystack_integrations.components.generators.anthropic import AnthropicChatGenerator',
      'gen = AnthropicChatGenerator(model="claude-sonnet-4-20250514", generation_kwargs={"max_tokens": 300})',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.calls[0]!.label).toContain('300 output');
  });

  it('OllamaChatGenerator without num_predict is reported, and the fix puts num_predict in generation_kwargs', async () => {
    const text = lines(
      'from haystack_integrations.components.generators.ollama import OllamaChatGenerator',
      'gen = OllamaChatGenerator(model="llama3.1", url="http://localhost:11434", generation_kwargs={"temperature": 0.9})',
    );
    const r = await analyzeFile({ path: '/repo/pipeline.py', text });
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['missing-output-limit']);
    const fixed = applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed).toContain('generation_kwargs={"temperature": 0.9, "num_predict": 1024}');
    expect(await pythonHasErrors(fixed)).toBe(false);
    expect((await analyzeFile({ path: '/repo/pipeline.py', text: fixed })).diagnostics).toEqual([]);
  });

  it('OllamaGenerator with num_predict set is not reported', async () => {
    const r = await py(
      'from haystack_integrations.components.generators.ollama import OllamaGenerator',
      'gen = OllamaGenerator(model="llama3.1", generation_kwargs={"num_predict": 200})',
    );
    expect(r.diagnostics).toEqual([]);
  });
});

describe('Pydantic AI agents built on a model object', () => {
  it.each([
    ['from pydantic_ai.models.openai import OpenAIChatModel', 'agent = Agent(OpenAIChatModel("gpt-4o"), system_prompt="Be concise.")'],
    ['from pydantic_ai.models.openai import OpenAIModel', 'model = OpenAIModel("gpt-4o")\nagent = Agent(model)'],
    ['from pydantic_ai.models.openai import OpenAIModel', 'agent = Agent(model=OpenAIModel(model_name="gpt-4o"))'],
  ])('%s: %s is gpt-4o with no limit', async (imp, code) => {
    const text = lines('from pydantic_ai import Agent', imp, code);
    const r = await analyzeFile({ path: '/repo/agent.py', text });
    expect(r.calls[0]!.model).toBe('gpt-4o');
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['missing-output-limit']);
    const fixed = applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(await pythonHasErrors(fixed)).toBe(false);
    expect((await analyzeFile({ path: '/repo/agent.py', text: fixed })).diagnostics).toEqual([]);
  });

  it("AnthropicModel: Pydantic AI's 4,096 default bounds it", async () => {
    const r = await py('from pydantic_ai import Agent', 'from pydantic_ai.models.anthropic import AnthropicModel', 'agent = Agent(AnthropicModel("claude-3-5-sonnet-latest"))');
    expect(r.diagnostics).toEqual([]);
    expect(r.calls[0]!.model).toBe('claude-3-5-sonnet-latest');
    expect(r.calls[0]!.label).toContain('4,096 output');
  });

  it('a `google-gla:` / `google-vertex:` model string is the Gemini model it names', async () => {
    for (const id of ['google-gla:gemini-2.0-flash', 'google-vertex:gemini-2.0-flash']) {
      const r = await py('from pydantic_ai import Agent', `agent = Agent("${id}")`);
      expect(r.calls[0]!.model).toBe('gemini-2.0-flash');
      expect(r.diagnostics[0]!.message).toContain("gemini-2.0-flash's maximum");
    }
  });

  it('a model object built elsewhere stays unknown', async () => {
    const r = await py('from pydantic_ai import Agent', 'from .models import make_model', 'agent = Agent(make_model())');
    expect(r.diagnostics).toEqual([]);
  });
});
