/**
 * openai-python and anthropic-sdk-python (Stainless SDKs) leave a keyword out of the request when it is
 * given their "not given" sentinels — `NOT_GIVEN` / `not_given` / `NotGiven()` and, since openai 1.100,
 * `omit` / `Omit()` — so `max_tokens=NOT_GIVEN` sends no limit: it is a missing limit, like `None`.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const py = (...l: string[]) => analyzeFile({ path: '/repo/app.py', text: lines(...l) });

describe('SDK "not given" sentinels send no output limit', () => {
  it.each([
    ['from openai import OpenAI, NOT_GIVEN', 'max_tokens=NOT_GIVEN'],
    ['import openai', 'max_completion_tokens=openai.NOT_GIVEN'],
    ['from openai import OpenAI, not_given', 'max_completion_tokens=not_given'],
    ['from openai import OpenAI, omit', 'max_completion_tokens=omit'],
    ['from openai import OpenAI, Omit', 'max_completion_tokens=Omit()'],
    ['from openai import OpenAI\nfrom openai._types import NotGiven', 'max_tokens=NotGiven()'],
  ])('%s: %s is reported as missing, with no second keyword inserted', async (imp, arg) => {
    const r = await py(imp, 'client = OpenAI()', `r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], ${arg})`);
    const d = r.diagnostics.filter((f) => f.ruleId === 'missing-output-limit');
    expect(d).toHaveLength(1);
    // The keyword is already there: appending another would be a SyntaxError (repeated keyword).
    expect(d[0]!.fixes).toEqual([]);
    expect(r.calls[0]!.worstCaseOutputUsd).toBeUndefined();
  });

  it('a params dict holding NOT_GIVEN is missing too', async () => {
    const r = await py(
      'from openai import OpenAI, NOT_GIVEN',
      'client = OpenAI()',
      'params = {"model": "gpt-4o", "messages": [], "max_tokens": NOT_GIVEN}',
      'r = client.chat.completions.create(**params)',
    );
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['missing-output-limit']);
  });

  it('Anthropic: max_tokens=NOT_GIVEN is the error the API answers with', async () => {
    const r = await py(
      'from anthropic import Anthropic, NOT_GIVEN',
      'client = Anthropic()',
      'r = client.messages.create(model="claude-sonnet-4-0", messages=[{"role": "user", "content": "hi"}], max_tokens=NOT_GIVEN)',
    );
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['anthropic-missing-max-tokens']);
  });

  it('a sentinel chosen at run time (`limit or NOT_GIVEN`) stays unknown, and a real limit still counts', async () => {
    const r = await py(
      'from openai import OpenAI, NOT_GIVEN',
      'client = OpenAI()',
      'def ask(q, limit=None):',
      '    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}], max_tokens=limit or NOT_GIVEN)',
      'r = client.responses.create(model="gpt-4o", input="hi", max_output_tokens=300)',
    );
    expect(r.diagnostics).toEqual([]);
  });

});
