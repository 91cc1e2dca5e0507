/**
 * Recall and precision of the output-limit lint on realistic calls of SDKs it had not been measured
 * on (Bedrock Converse, Google Gen AI chats, LlamaIndex, Azure and compatible endpoints, …), and
 * whether each offered fix inserts the spelling that SDK reads, at a place that still parses.
 */
import { describe, expect, it } from 'vitest';
import { problems, scoreCases } from '../support/scorer';
import { CASES } from './corpus';

describe('output-limit lint on unseen SDKs', () => {
  it('flags every call without a limit, nothing else, and fixes each in its SDK’s spelling and place', async () => {
    const outcomes = await scoreCases(CASES, (c) => c.flag);
    const { missed, wrong, badFixes } = problems(outcomes);
    expect(missed).toEqual([]);
    expect(wrong).toEqual([]);
    expect(badFixes).toEqual([]);
  }, 180_000);
});
