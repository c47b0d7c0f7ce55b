/**
 * The terminal report: one line per scenario run, and for each run that
 * diverged the first divergence in context (the steps before it, then both
 * observations side by side), followed by failed expectations and the
 * explained differences met.
 */

import { formatProblem, type Problem } from '../../problems.js';
import { countOf } from '../../util/plural.js';
import type { Observation, ReceivedObservation } from '../observation.js';
import { divergences, type ExpectationFailure, type RequestResult, type ScenarioRunResult, type StepResult } from '../result.js';

/** Steps shown before the first divergence. */
const contextSteps = 6;
const columnWidth = 64;

/** Formats the text report. With `summary: false` it leaves out the closing count line, for a report of one run inside another format. */
export function formatTextReport(results: readonly ScenarioRunResult[], { summary = true }: { summary?: boolean } = {}): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(runLine(result));
    if (result.status === 'diverged') lines.push(...firstDivergence(result));
    if (result.status === 'error') lines.push(...inLineOrder(result.problems).map((problem) => `    ${formatProblem(problem).replace(/\n/g, '\n    ')}`));
    lines.push(...expectationLines(result));
  }

  const explained = explainedSummary(results);
  if (explained.length > 0) lines.push('', 'explained differences (not divergences):', ...explained);
  if (summary) lines.push('', summaryLine(results));
  return `${lines.join('\n')}\n`;
}

export function summaryLine(results: readonly ScenarioRunResult[]): string {
  const count = (status: ScenarioRunResult['status']) => results.filter((result) => result.status === status).length;
  const requests = results.reduce((sum, result) => sum + result.requestCount, 0);
  const unexplained = results.reduce((sum, result) => sum + divergences(result).length, 0);
  return (
    `${count('passed')} passed, ${count('diverged')} diverged, ${count('expectation-failed')} with failed expectations, ` +
    `${countOf(count('error'), 'error')}, ${count('not-applicable')} not applicable; ` +
    `${countOf(requests, 'request')} compared, ${countOf(unexplained, 'unexplained difference')}`
  );
}

/** Sorts problems by file, line and column, because the compiler reports them in the order of its checks. */
function inLineOrder(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

function runLine(result: ScenarioRunResult): string {
  const label = { passed: 'ok', diverged: 'DIVERGED', 'expectation-failed': 'EXPECTATION FAILED', 'not-applicable': 'not applicable', error: 'ERROR' }[result.status];
  const detail = result.reason !== undefined ? `: ${result.reason}` : `, ${countOf(result.requestCount, 'request')}, ${(result.durationMs / 1000).toFixed(1)} s`;
  return `${label.padEnd(18)} ${result.scenario} on nginx ${result.nginxVersion}${detail}`;
}

function firstDivergence(result: ScenarioRunResult): string[] {
  const found = divergences(result);
  const first = found[0];
  if (!first) return [];

  const [left, right] = result.roles;
  const lines = [`    ${countOf(found.length, 'unexplained difference')}; the first is at step ${first.step.index + 1} (${result.file}, ${first.request.pointer})`];
  lines.push(`    ${left}: ${result.servers[0]}`, `    ${right}: ${result.servers[1]}`, '');

  const start = Math.max(0, first.step.index - contextSteps);
  for (const step of result.steps.slice(start, first.step.index)) lines.push(...contextLines(step, result.roles));

  lines.push(`  > ${String(first.step.index + 1).padStart(3)}  ${first.step.summary}`);
  lines.push(...sideBySide(first.request, result.roles));
  return [...lines, ''];
}

function contextLines(step: StepResult, roles: readonly [string, string]): string[] {
  const head = `    ${String(step.index + 1).padStart(3)}  ${step.summary}`;
  if (step.requests.length === 0) return [head];
  return [head, ...step.requests.map((request) => `           ${roles[0]}: ${shortObservation(request.observations[0])}  |  ${roles[1]}: ${shortObservation(request.observations[1])}`)];
}

/** One-line form of an observation: status, backend, affinity cookie binding. */
export function shortObservation(observation: Observation): string {
  const status = observation.status !== undefined ? String(observation.status) : `(${observation.error ?? 'no response'})`;
  const cookie = observation.cookies.find((entry) => entry.binds !== undefined);
  return [status, observation.backend ?? '-', cookie ? `${cookie.name}->${cookie.binds}` : ''].filter((part) => part !== '').join(' ');
}

function sideBySide(request: RequestResult, roles: readonly [string, string]): string[] {
  const differing = new Set(request.differences.filter((difference) => !difference.explained).map((difference) => difference.field.split(/[.[]/)[0]));
  const [left, right] = request.observations.map(observationLines);
  const keys = [...new Set([...left!.keys(), ...right!.keys()])];
  const lines = [`         ${''.padEnd(10)} ${roles[0].padEnd(columnWidth)} ${roles[1]}`];
  for (const key of keys) {
    const leftValues = left!.get(key) ?? ['-'];
    const rightValues = right!.get(key) ?? ['-'];
    const marker = differing.has(key) ? '!' : ' ';
    for (let index = 0; index < Math.max(leftValues.length, rightValues.length); index++) {
      const name = index === 0 ? key : '';
      lines.push(`       ${index === 0 ? marker : ' '} ${name.padEnd(10)} ${clip(leftValues[index] ?? '').padEnd(columnWidth)} ${clip(rightValues[index] ?? '')}`);
    }
  }
  for (const difference of request.differences) {
    if (difference.explained) lines.push(`         explained ${difference.field}: ${difference.explained.id}`);
  }
  return lines;
}

function observationLines(observation: Observation): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  lines.set('status', [observation.status !== undefined ? String(observation.status) : '-']);
  if (observation.error !== undefined) lines.set('error', [observation.error]);
  lines.set('backend', [observation.backend ?? '-']);
  lines.set('tried', [observation.tried === undefined ? '(no access record)' : observation.tried.map((attempt) => `${attempt.peer} ${attempt.status}`).join(', ') || '(none)']);
  lines.set(
    'cookies',
    observation.cookies.length === 0
      ? ['(none)']
      : observation.cookies.map((cookie) => `${cookie.name}=${cookie.value.slice(0, 12)}${cookie.value.length > 12 ? '…' : ''}${cookie.binds ? ` (${cookie.binds})` : ''} ${cookie.attributes.join('; ')}`),
  );
  lines.set('headers', Object.entries(observation.headers).map(([name, value]) => `${name}: ${value}`));
  lines.set(
    'received',
    observation.received.length === 0 ? ['(none)'] : observation.received.map(receivedLine),
  );
  lines.set('body', [`${observation.body.bytes} bytes, sha256 ${observation.body.digest}`]);
  return lines;
}

function receivedLine(entry: ReceivedObservation): string {
  const authority = entry.authority === '' ? '' : ` :authority=${entry.authority}`;
  const host = entry.host === '' && entry.authority !== '' ? '' : ` host=${entry.host}`;
  return `${entry.backend} HTTP/${entry.httpVersion}${host}${authority} xff=${entry.xForwardedFor} proto=${entry.xForwardedProto}`;
}

/** One printed line of failed expectations. A failure that both sides share with the same response is one entry for both sides. */
export interface ExpectationFailureEntry {
  step: StepResult;
  request: RequestResult;
  roles: string[];
  /** The description after the role names, such as ` failed expectation status: expected 200, got 502 (response: 502 -)`. */
  text: string;
}

/** Groups the failed expectations of a run into the entries the text report prints, in step order. */
export function expectationFailureEntries(result: ScenarioRunResult): ExpectationFailureEntry[] {
  const entries: ExpectationFailureEntry[] = [];
  for (const step of result.steps) {
    for (const request of step.requests) {
      const sides = new Map<string, string[]>();
      for (const failure of request.expectationFailures) {
        const text = describeExpectationFailure(failure, request, result.roles).slice(failure.role.length);
        sides.set(text, [...(sides.get(text) ?? []), failure.role]);
      }
      for (const [text, roles] of sides) entries.push({ step, request, roles, text });
    }
  }
  return entries;
}

function expectationLines(result: ScenarioRunResult): string[] {
  return expectationFailureEntries(result).map((entry) => `    step ${entry.step.index + 1} (${entry.request.pointer}): ${entry.roles.join(' and ')}${entry.text}`);
}

/**
 * Describes a failed expectation with the expected and the actual value,
 * followed by the response of that side in short form, so that a missing
 * value (no backend, no cookie) shows what came back instead.
 */
export function describeExpectationFailure(failure: ExpectationFailure, request: RequestResult, roles: readonly [string, string]): string {
  const side = roles.indexOf(failure.role);
  const observation = request.observations[side === -1 ? 0 : side]!;
  const actual = failure.actual === undefined ? 'none' : JSON.stringify(failure.actual);
  return `${failure.role} failed expectation ${failure.expectation}: expected ${JSON.stringify(failure.expected)}, got ${actual} (response: ${shortObservation(observation)})`;
}

/** Lists each explanation met with how often, the fields it covered, and its reason. */
function explainedSummary(results: readonly ScenarioRunResult[]): string[] {
  const seen = new Map<string, { reason: string; count: number; fields: Set<string> }>();
  for (const result of results) {
    for (const step of result.steps) {
      for (const request of step.requests) {
        for (const difference of request.differences) {
          if (!difference.explained) continue;
          const entry = seen.get(difference.explained.id) ?? { reason: difference.explained.reason, count: 0, fields: new Set<string>() };
          entry.count++;
          entry.fields.add(difference.field);
          seen.set(difference.explained.id, entry);
        }
      }
    }
  }
  return [...seen].map(([id, entry]) => `  ${id} (${entry.count}x, ${[...entry.fields].join(', ')}): ${entry.reason}`);
}

function clip(text: string): string {
  return text.length > columnWidth ? `${text.slice(0, columnWidth - 1)}…` : text;
}
