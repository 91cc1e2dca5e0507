/** The starter policy the "Create Starter Policy" command writes is one the proxy accepts. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PolicySchema, policyJsonSchema } from '../../proxy/src/policy/schema';
import { STARTER_POLICY } from '../../extension/src/policy/starterPolicy';
import Ajv2020 from 'ajv/dist/2020';

describe('starter policy', () => {
  it('parses against the zod policy schema', () => {
    const result = PolicySchema.safeParse(parse(STARTER_POLICY));
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data?.budgets[0]).toMatchObject({ name: 'daily', period: 'day', usd: 5 });
  });

  it('validates against the generated JSON Schema editors use for completion', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(policyJsonSchema());
    expect(validate(parse(STARTER_POLICY)), JSON.stringify(validate.errors)).toBe(true);
    // …and the schema does reject a mistake, so the check above means something.
    expect(validate({ ...parse(STARTER_POLICY), budgets: [{ name: 'x', period: 'fortnight', usd: 1 }] })).toBe(false);
  });
});
