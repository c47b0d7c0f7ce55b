/**
 * Checks a request's expectations against one side's observation. Backend
 * names in expectations are scenario names (UPSTREAM.N) or @LABEL; both are
 * resolved to a backend id before they are compared.
 */

import type { ExpectationFailure } from './result.js';
import type { Observation } from './observation.js';
import type { ScenarioRequest } from './scenario/types.js';
import type { BackendSet } from './testbed.js';

export interface ExpectationContext {
  role: string;
  backends: BackendSet;
  /** Label to the backend that sent the response to the labelled request on this side. */
  labels: ReadonlyMap<string, string | undefined>;
}

export function checkExpectations(request: ScenarioRequest, observation: Observation, context: ExpectationContext): ExpectationFailure[] {
  const expect = request.expect;
  if (!expect) return [];

  const failures: ExpectationFailure[] = [];
  const fail = (expectation: string, expected: unknown, actual: unknown) => failures.push({ role: context.role, expectation, expected, actual });
  const resolve = (reference: string): string | undefined =>
    reference.startsWith('@') ? context.labels.get(reference.slice(1)) : (context.backends.get(reference)?.id ?? reference);

  if (expect.status !== undefined && observation.status !== expect.status) fail('status', expect.status, observation.status ?? observation.error);

  if (expect.backend !== undefined) {
    const expected = resolve(expect.backend);
    if (expected === undefined || observation.backend !== expected) fail('backend', expected ?? expect.backend, observation.backend);
  }

  if (expect.notBackend !== undefined) {
    const excluded = resolve(expect.notBackend);
    if (observation.backend === excluded) fail('not_backend', `not ${excluded ?? expect.notBackend}`, observation.backend);
  }

  if (expect.cookie !== undefined) {
    const bound = observation.cookies.find((cookie) => cookie.binds !== undefined)?.binds;
    const expected = expect.cookie === 'none' ? undefined : resolve(expect.cookie);
    if (expect.cookie === 'none' ? bound !== undefined : bound !== expected || expected === undefined) fail('cookie', expect.cookie === 'none' ? 'none' : expected, bound ?? 'none');
  }

  if (expect.tried !== undefined) {
    const expected = expect.tried.map((name) => resolve(name));
    // An attempt that found no live server names an upstream block, not a backend.
    const actual = observation.tried?.map((attempt) => attempt.peer).filter((peer) => !peer.startsWith('upstream '));
    if (JSON.stringify(expected) !== JSON.stringify(actual)) fail('tried', expected, actual);
  }
  return failures;
}
