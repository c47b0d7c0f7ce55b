import type { ErrorObject } from 'ajv';

import { closestMatch } from '../util/suggest.js';

/** One mistake in a lint config file, at a JSON pointer. */
export interface ConfigMistake {
  pointer: string;
  /** Whether the mistake is the key at the pointer (an unknown key) or its value. */
  part: 'key' | 'value';
  message: string;
  hint: string;
}

/** The hint for a mistake that no more specific one covers. */
export const configKeysHint =
  'Allowed keys: nginxVersion ("1.26.3"), edition ("oss" or "plus"), failOn ("error", "warning" or "info"), rules ({"rule-id": "off" | "error" | "warning" | "info"}, or ["warning", {options}] for rules with options).';

/**
 * Turns ajv's errors for a lint config into one mistake per wrong key or
 * value. ajv reports a value that fails `anyOf` once for every branch plus
 * once for `anyOf` itself. Only the branch that fits the value's type is
 * kept: the severity names for a string, the `[severity, options]` form for
 * an array. The errors must come from a validator compiled with
 * `verbose: true`, so that each one carries its schema.
 */
export function describeConfigErrors(errors: readonly ErrorObject[], data: unknown, rulesWithOptions: ReadonlySet<string>): ConfigMistake[] {
  const mistakes: ConfigMistake[] = [];
  const seen = new Set<string>();

  for (const error of errors) {
    if (error.keyword === 'anyOf') continue;
    // propertyNames reports each bad key twice: once itself, and once as the enum it failed.
    if (error.propertyName !== undefined) continue;
    const value = valueAt(data, error.instancePath);
    // A string or number that fails both branches is reported once, by the enum of severity names.
    const enumFailed = errors.some((other) => other.instancePath === error.instancePath && other.keyword === 'enum');
    if (error.keyword === 'type' && error.params.type === 'array' && enumFailed && !Array.isArray(value)) continue;
    if (error.keyword === 'enum' && Array.isArray(value)) continue;

    const mistake = describeError(error, value, rulesWithOptions);
    const key = `${mistake.pointer} ${mistake.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    mistakes.push(mistake);
  }
  return mistakes;
}

function describeError(error: ErrorObject, value: unknown, rulesWithOptions: ReadonlySet<string>): ConfigMistake {
  const pointer = error.instancePath;

  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const suggestion = closestMatch(key, allowed);
    const where = pointer === '' ? '' : ` in ${label(pointer)}`;
    return {
      pointer: `${pointer}/${escapePointer(key)}`,
      part: 'key',
      message: `unknown key "${key}"${where}`,
      hint: `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Valid keys here: ${allowed.join(', ')}.`,
    };
  }

  if (error.keyword === 'propertyNames') {
    const ruleId = String(error.params.propertyName);
    const ruleIds = ((error.schema as { enum?: unknown[] } | undefined)?.enum ?? []).map(String);
    const suggestion = closestMatch(ruleId, ruleIds);
    return {
      pointer: `${pointer}/${escapePointer(ruleId)}`,
      part: 'key',
      message: `unknown rule id "${ruleId}"`,
      hint: `${suggestion ? `Did you mean "${suggestion}"? ` : ''}"h2sticky lint --list-rules" lists every rule id.`,
    };
  }

  if (error.keyword === 'enum') {
    const allowed = (error.params.allowedValues as unknown[]).map(String);
    const suggestion = typeof value === 'string' ? suggestValue(value, allowed) : undefined;
    const ruleId = ruleIdOfSetting(pointer);
    const optionsForm = ruleId !== undefined && rulesWithOptions.has(ruleId) ? ', or ["warning", {options}]' : '';
    return {
      pointer,
      part: 'value',
      message: `invalid value ${JSON.stringify(value)} for ${label(pointer)}`,
      hint: `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Valid values: ${allowed.map((item) => JSON.stringify(item)).join(', ')}${optionsForm}.`,
    };
  }

  return { pointer, part: 'value', message: `${label(pointer)} ${error.message ?? 'is invalid'}`, hint: configKeysHint };
}

/** Suggests the allowed value that starts with a short form such as "warn", or else the closest one. */
function suggestValue(value: string, allowed: readonly string[]): string | undefined {
  const lowered = value.toLowerCase();
  if (lowered.length >= 2) {
    const completed = allowed.find((candidate) => candidate.toLowerCase().startsWith(lowered));
    if (completed !== undefined) return completed;
  }
  return closestMatch(value, allowed);
}

/** Names the place of a pointer for messages, such as `rules.long-fail-timeout[1]`. The empty pointer is the whole file. */
function label(pointer: string): string {
  if (pointer === '') return 'the config';
  let text = '';
  for (const segment of splitPointer(pointer)) text += /^\d+$/.test(segment) && text !== '' ? `[${segment}]` : `${text === '' ? '' : '.'}${segment}`;
  return `"${text}"`;
}

/** Returns the rule id when the pointer is a rule's setting or a part of it. */
function ruleIdOfSetting(pointer: string): string | undefined {
  const segments = splitPointer(pointer);
  return segments[0] === 'rules' ? segments[1] : undefined;
}

function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const segment of splitPointer(pointer)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
