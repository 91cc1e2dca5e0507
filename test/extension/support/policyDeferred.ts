/**
 * The policy checker the extension loads from its deferred bundle (extension/src/deferred), here
 * from the source: for tests that mock `deferred/load` and exercise the policy diagnostics.
 */
import { parsePolicy } from '../../../proxy/src/policy/load';
import { readPolicyText } from '../../../proxy/src/policy/store';
import { locatedWarnings } from '../../../proxy/src/policy/warnings';

export function policyDeferredModule() {
  return { loadDeferred: () => ({ parsePolicy, readPolicyText, locatedWarnings }) };
}
