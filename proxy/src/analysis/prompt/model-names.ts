/** Turns the model spellings prompt formats use into ids genai-prices and the tokenizer understand. */
import { bedrockModelId, fineTuneBase, modelOwnName, withoutProvider } from '../../tokens/modelName';
import { modelPrices } from '../cost/model-prices';

/**
 * "openai/gpt-4o-mini" → "gpt-4o-mini"; "openai:chat:gpt-4o" → "gpt-4o"; "GPT-4.1 (copilot)" → "gpt-4.1";
 * "openai:chat:ft:gpt-4o-mini-2024-07-18:acme::9ABC" → "ft:gpt-4o-mini-2024-07-18:acme::9abc" (a
 * fine-tune keeps its id: OpenAI charges fine-tuned inference more than the base model, and the
 * pricing knows those rates; its tokenizer and output limit are the base model's);
 * "bedrock:us.anthropic.claude-3-5-sonnet-20240620-v1:0" → "claude-3-5-sonnet-20240620";
 * "us.amazon.nova-lite-v1:0" → "amazon.nova-lite-v1:0" (priced under that id);
 * "ollama:chat:llama3.1:8b" → "llama3.1:8b"; Vertex's "claude-3-5-sonnet-v2@20241022" →
 * "claude-3-5-sonnet-20241022"; the AI Gateway's "anthropic/claude-sonnet-4.5" → "claude-sonnet-4-5".
 */
export function normaliseModelName(raw: string): string {
  const written = raw.trim().replace(/\s*\([^)]*\)\s*$/, '');
  const id = withoutProvider(written);
  // Azure AI Foundry bills what it serves for other makers (DeepSeek) at rates no price list has; pricing/price.ts
  // leaves those unpriced, and CodeLens must not show the maker's own rate.
  if (/^azure(?:_ai)?[/:]/i.test(written) && !modelPrices(written) && modelPrices(modelOwnName(id))) return written.toLowerCase();
  if (fineTuneBase(id)) return id.toLowerCase();
  // genai-prices prices Anthropic's models by their own name, the others Bedrock serves (Nova, Titan,
  // Llama, Mistral, DeepSeek…) only by Bedrock's id, at Bedrock's rate: keep that id for those.
  const bedrock = bedrockModelId(id);
  if (bedrock && !bedrock.startsWith('anthropic.') && modelPrices(bedrock)) return bedrock;
  // OpenRouter's `:free` variant is the same model at no charge: keep it, so it is not priced as the paid one.
  return modelOwnName(id) + (/:free$/i.test(id) ? ':free' : '');
}
