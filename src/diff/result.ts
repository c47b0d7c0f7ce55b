/**
 * The outcome of running scenarios: per scenario and nginx version, every
 * step with the observations of both servers under test, the differences
 * found (explained or not) and failed expectations. Reports print this.
 */

import type { Problem } from '../problems.js';
import type { ExplanationContext } from './explained.js';
import type { Observation } from './observation.js';

export interface ExplainedNote {
  id: string;
  reason: string;
}

export interface RequestDifference {
  field: string;
  values: [unknown, unknown];
  /** Set when an entry of the explained-differences file covers it. */
  explained?: ExplainedNote;
}

export interface ExpectationFailure {
  /** Role of the server under test that failed it. */
  role: string;
  /** The expectation's name, such as `backend`. */
  expectation: string;
  expected: unknown;
  actual: unknown;
}

export interface RequestResult {
  /** JSON pointer of the request in the scenario file. */
  pointer: string;
  client: string;
  connection: string;
  method: string;
  path: string;
  observations: [Observation, Observation];
  /** Why a client did not send the request, per side role, such as `nginx: ...`; the request is then not compared. */
  notSent?: string[];
  differences: RequestDifference[];
  expectationFailures: ExpectationFailure[];
}

export interface StepResult {
  index: number;
  pointer: string;
  /** One line describing the step, such as `backend app.1: stop`. */
  summary: string;
  requests: RequestResult[];
}

export type RunStatus = 'passed' | 'diverged' | 'expectation-failed' | 'not-applicable' | 'error';

export interface ScenarioRunResult {
  scenario: string;
  file: string;
  /** The nginx version the Plan was compiled for and nginx runs. */
  nginxVersion: string;
  /** Descriptions of the two sides, such as "nginx 1.30.6 (docker:h2sticky/nginx:1.30.6)" and "h2sticky reference proxy (in process)". */
  servers: [string, string];
  /** Role names of the two sides, such as nginx and proxy. */
  roles: [string, string];
  status: RunStatus;
  /** Facts of the Plan that explanations check, when the spec compiled. */
  facts?: Omit<ExplanationContext, 'scope'>;
  /** The reason the scenario did not run, for not-applicable and error. */
  reason?: string;
  problems: Problem[];
  steps: StepResult[];
  /** Requests compared. */
  requestCount: number;
  durationMs: number;
}

/** Unexplained differences of a run, with where they happened. */
export function divergences(result: ScenarioRunResult): { step: StepResult; request: RequestResult; difference: RequestDifference }[] {
  const found = [];
  for (const step of result.steps) {
    for (const request of step.requests) {
      for (const difference of request.differences) {
        if (!difference.explained) found.push({ step, request, difference });
      }
    }
  }
  return found;
}

export function statusOf(steps: readonly StepResult[]): RunStatus {
  const requests = steps.flatMap((step) => step.requests);
  if (requests.some((request) => request.notSent !== undefined)) return 'error';
  if (requests.some((request) => request.differences.some((difference) => !difference.explained))) return 'diverged';
  if (requests.some((request) => request.expectationFailures.length > 0)) return 'expectation-failed';
  return 'passed';
}

/** Number of requests that both clients sent, and so were compared. */
export function comparedCount(steps: readonly StepResult[]): number {
  return steps.reduce((sum, step) => sum + step.requests.filter((request) => request.notSent === undefined).length, 0);
}

/** Describes the first request that a client did not send, for the reason of an error result. */
export function notSentReason(steps: readonly StepResult[]): string | undefined {
  for (const step of steps) {
    for (const request of step.requests) {
      if (request.notSent !== undefined) return `the client did not send ${request.method} ${request.path} (${request.pointer}): ${request.notSent.join('; ')}`;
    }
  }
  return undefined;
}
