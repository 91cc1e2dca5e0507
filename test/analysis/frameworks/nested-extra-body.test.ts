/**
 * `extra_body` is the OpenAI SDK's keyword for fields it merges into the JSON it sends. LangChain's
 * `model_kwargs` and LlamaIndex's `additional_kwargs` are passed to the SDK's `create(**kwargs)`, so an
 * `extra_body` inside them is merged too: `max_completion_tokens` there is sent. Before, each was reported as a missing limit.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const found = async (...l: string[]) => (await analyzeFile({ path: '/repo/llm.py', text: `${l.join('\n')}\n` })).diagnostics.map((d) => d.ruleId);

describe('a limit in an extra_body the SDK merges', () => {
  it('inside LlamaIndex additional_kwargs and LangChain model_kwargs', async () => {
    expect(await found('from llama_index.llms.openai import OpenAI', 'llm = OpenAI(model="gpt-4o", additional_kwargs={"extra_body": {"max_completion_tokens": 300}})')).toEqual([]);
    expect(await found('from langchain_openai import ChatOpenAI', 'BODY = {"max_completion_tokens": 300}', 'llm = ChatOpenAI(model="gpt-4o", model_kwargs={"extra_body": BODY})')).toEqual([]);
  });

  it('an extra_body without a limit still leaves it missing; one built elsewhere makes it unknown', async () => {
    expect(await found('from langchain_openai import ChatOpenAI', 'llm = ChatOpenAI(model="gpt-4o", model_kwargs={"extra_body": {"top_k": 5}})')).toEqual(['missing-output-limit']);
    expect(await found('from langchain_openai import ChatOpenAI', 'from config import BODY', 'llm = ChatOpenAI(model="gpt-4o", model_kwargs={"extra_body": BODY})')).toEqual([]);
  });
});
