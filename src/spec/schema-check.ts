import { readFileSync } from 'node:fs';

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

import { packagePath } from '../paths.js';
import type { Problem } from '../problems.js';
import { closestMatch } from '../util/suggest.js';
import { parsePointer, toPointer, type LoadedSpec } from './load.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type SchemaNode = Record<string, unknown>;

/** A compiled JSON Schema that turns ajv's errors into located problems. */
export interface SchemaChecker {
  readonly schema: SchemaNode;
  /** Validates a loaded document and returns every problem, located in its file. */
  check(document: LoadedSpec): Problem[];
}

interface CheckerContext {
  validate: ValidateFunction;
  schema: SchemaNode;
  /** Prefix of problem codes, such as `spec`. */
  codePrefix: string;
  /** How messages name the whole document, such as `the spec`. */
  documentLabel: string;
}

/** Compiles schemas/FILE with the keywords h2sticky's schemas use (x-fix holds the one-line fix of a failed pattern). */
export function createSchemaChecker(file: string, options: { codePrefix: string; documentLabel: string }): SchemaChecker {
  const schema = JSON.parse(readFileSync(packagePath('schemas', file), 'utf8')) as SchemaNode;
  const ajv = new Ajv2020({ allErrors: true, verbose: true, discriminator: true, strict: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-fix', schemaType: 'string' });
  const context: CheckerContext = { validate: ajv.compile(schema), schema, ...options };

  return {
    schema,
    check(document) {
      if (context.validate(document.data)) return [];
      const { errors, misspelt } = mergeMisspeltRequired(simplify(context.validate.errors ?? []));
      return dedupe(errors.map((error) => toProblem(error, document, context, misspelt.get(error))));
    },
  };
}

export function loadSpecSchema(): SchemaNode {
  return JSON.parse(readFileSync(packagePath('schemas', 'spec.schema.json'), 'utf8')) as SchemaNode;
}

let specChecker: SchemaChecker | undefined;

/** Validates spec data against schemas/spec.schema.json and returns located problems. */
export function checkAgainstSchema(spec: LoadedSpec): Problem[] {
  specChecker ??= createSchemaChecker('spec.schema.json', { codePrefix: 'spec', documentLabel: 'the spec' });
  return specChecker.check(spec);
}

/**
 * Reduces ajv's raw errors: for a failed oneOf, keep the errors of the one
 * branch whose shape matches the value, or else a single summary error, and
 * drop the errors of the other branches.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const oneOfErrors = errors.filter((error) => error.keyword === 'oneOf');
  const dropped = new Set<ErrorObject>();
  const summaries = new Set<ErrorObject>();

  // Deepest oneOf first, so nested alternatives are resolved before their parents.
  oneOfErrors.sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const oneOf of oneOfErrors) {
    const base = oneOf.schemaPath.replace(/\/oneOf$/, '/oneOf/');
    const branches = new Map<number, ErrorObject[]>();
    for (const error of errors) {
      if (error === oneOf || dropped.has(error) || !error.schemaPath.startsWith(base)) continue;
      const branch = Number(error.schemaPath.slice(base.length).split('/')[0]);
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    const shaped = [...branches.entries()].filter(([, branchErrors]) => !branchErrors.some((error) => isShapeMismatch(error, oneOf.instancePath)));
    const keep = shaped.length === 1 ? shaped[0]![0] : undefined;
    for (const [branch, branchErrors] of branches) {
      if (branch !== keep) for (const error of branchErrors) dropped.add(error);
    }
    if (keep === undefined) summaries.add(oneOf);
    else dropped.add(oneOf);
  }
  return errors.filter((error) => !dropped.has(error) && (error.keyword !== 'oneOf' || summaries.has(error)));
}

/**
 * Finds unknown properties whose closest allowed name is a required property
 * missing from the same object, such as `adress` next to a missing
 * `address`. The typo causes both errors, so the "missing required" error is
 * dropped and the unknown property's error names the property it stands for.
 */
function mergeMisspeltRequired(errors: ErrorObject[]): { errors: ErrorObject[]; misspelt: Map<ErrorObject, string> } {
  const missing = new Map<string, ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'required') continue;
    missing.set(`${error.instancePath}|${String((error.params as { missingProperty: string }).missingProperty)}`, error);
  }

  const misspelt = new Map<ErrorObject, string>();
  const absorbed = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const suggestion = closestMatch(additionalProperty(error), allowedProperties(error));
    const required = suggestion === undefined ? undefined : missing.get(`${error.instancePath}|${suggestion}`);
    if (required === undefined || absorbed.has(required)) continue;
    absorbed.add(required);
    misspelt.set(error, suggestion!);
  }
  return { errors: errors.filter((error) => !absorbed.has(error)), misspelt };
}

function additionalProperty(error: ErrorObject): string {
  return String((error.params as { additionalProperty: string }).additionalProperty);
}

function allowedProperties(error: ErrorObject): string[] {
  return Object.keys(((error.parentSchema ?? {}) as SchemaNode).properties ?? {});
}

/** True when an error shows that a oneOf branch does not describe this kind of value at all. */
function isShapeMismatch(error: ErrorObject, instancePath: string): boolean {
  if (error.instancePath === instancePath) return error.keyword === 'type' || error.keyword === 'const' || error.keyword === 'enum';
  const discriminant = /\/(method|mode)$/.exec(error.instancePath);
  return discriminant !== null && error.instancePath === `${instancePath}/${discriminant[1]}` && (error.keyword === 'const' || error.keyword === 'enum');
}

/** `missingRequired` is the required property that an unknown property misspells, if any. */
function toProblem(error: ErrorObject, spec: LoadedSpec, context: CheckerContext, missingRequired?: string): Problem {
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const fix = typeof parent['x-fix'] === 'string' ? parent['x-fix'] : undefined;
  const name = label(error.instancePath, context.documentLabel);
  let pointer = error.instancePath;
  let part: 'value' | 'key' = 'value';
  let message: string;
  let hint: string | undefined = fix;

  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const description = describeProperty(parent, missing, context);
      message = `missing required property "${missing}"${error.instancePath ? ` in ${name}` : ''}`;
      hint = `add "${missing}"${description ? `: ${description}` : ''}`;
      break;
    }
    case 'additionalProperties': {
      const extra = additionalProperty(error);
      const allowed = allowedProperties(error);
      const suggestion = closestMatch(extra, allowed);
      pointer = toPointer([...parsePointer(error.instancePath), extra]);
      part = 'key';
      message = `unknown property "${extra}"${error.instancePath ? ` in ${name}` : ''}`;
      if (missingRequired !== undefined) {
        message += `, so the required property "${missingRequired}" is missing`;
        hint = `did you mean "${missingRequired}"? Rename "${extra}" to "${missingRequired}"`;
        break;
      }
      hint = suggestion
        ? `did you mean "${suggestion}"? Allowed here: ${allowed.join(', ')}`
        : `remove it; allowed here: ${allowed.join(', ')}`;
      break;
    }
    case 'propertyNames': {
      const property = String((error.params as { propertyName: string }).propertyName);
      pointer = toPointer([...parsePointer(error.instancePath), property]);
      part = 'key';
      message = `invalid name "${property}" in ${name}`;
      break;
    }
    case 'type':
      message = `${name} must be ${article(String((error.params as { type: string }).type))}, not ${describeValue(error.data)}`;
      hint ??= quotedHint(error) ?? scalarForListHint(error);
      break;
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((value) => JSON.stringify(value));
      message = `invalid ${name}: ${describeValue(error.data)}`;
      hint = `use one of ${allowed.join(', ')}`;
      break;
    }
    case 'const':
      message = `invalid ${name}: ${describeValue(error.data)}`;
      hint ??= `use ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
      break;
    case 'pattern':
    case 'not':
      message = `invalid ${name}: ${describeValue(error.data)}`;
      hint ??= typeof parent.description === 'string' ? firstSentence(parent.description) : undefined;
      if (error.propertyName !== undefined) {
        pointer = toPointer([...parsePointer(error.instancePath), error.propertyName]);
        part = 'key';
        message = `invalid name ${describeValue(error.propertyName)} in ${name}`;
      }
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      message = `${name} is ${describeValue(error.data)}, but ${error.message ?? 'is out of range'}`;
      hint ??= rangeHint(parent);
      break;
    case 'minItems':
    case 'minProperties': {
      const limit = (error.params as { limit: number }).limit;
      message = `${name} must have at least ${limit} ${error.keyword === 'minItems' ? 'item' : 'entry'}${limit === 1 ? '' : 's'}`;
      hint ??= typeof parent.description === 'string' ? firstSentence(parent.description) : undefined;
      break;
    }
    case 'maxItems':
    case 'maxProperties': {
      const limit = (error.params as { limit: number }).limit;
      message = `${name} must have at most ${limit} ${error.keyword === 'maxItems' ? 'item' : 'entry'}${limit === 1 ? '' : 's'}`;
      hint ??= typeof parent.description === 'string' ? firstSentence(parent.description) : undefined;
      break;
    }
    case 'uniqueItems':
      message = `${name} lists the same value twice`;
      hint = 'remove the repeated item';
      break;
    case 'discriminator': {
      // Worded like the enum error on the same property, so the two collapse into one problem.
      const mode = (error.data as Record<string, unknown> | undefined)?.mode;
      if (mode === undefined) {
        message = `missing required property "mode" in ${name}`;
        hint = 'add "mode": one of "cookie", "route", "learn", "client_ip", "hash"';
        break;
      }
      pointer = toPointer([...parsePointer(error.instancePath), 'mode']);
      message = `invalid "mode": ${describeValue(mode)}`;
      hint = 'use one of "cookie", "route", "learn", "client_ip", "hash"';
      break;
    }
    case 'oneOf':
      message = `invalid ${name}: ${describeValue(error.data)}`;
      hint ??= typeof parent.description === 'string' ? firstSentence(parent.description) : 'see "h2sticky schema" for the allowed forms';
      break;
    default:
      message = `${name} ${error.message ?? 'is invalid'}`;
  }

  const position = spec.locate(pointer, part);
  return {
    code: `${context.codePrefix}.schema.${error.keyword}`,
    severity: 'error',
    message,
    ...(hint !== undefined ? { hint } : {}),
    file: spec.file,
    line: position.line,
    column: position.column,
    pointer,
  };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.pointer}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Names the value at a pointer for messages: the last key, or "item N of KEY" inside arrays. */
function label(instancePath: string, documentLabel: string): string {
  const segments = parsePointer(instancePath);
  if (segments.length === 0) return documentLabel;
  const last = segments[segments.length - 1]!;
  if (/^\d+$/.test(last)) {
    const parent = segments[segments.length - 2];
    return parent === undefined ? `item ${Number(last) + 1}` : `item ${Number(last) + 1} of "${parent}"`;
  }
  return `"${last}"`;
}

function describeProperty(schema: SchemaNode, property: string, context: CheckerContext): string | undefined {
  const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const target = properties[property];
  let description = target?.description;
  if (description === undefined && typeof target?.$ref === 'string') {
    description = resolveRef(target.$ref, context)?.description;
  }
  return typeof description === 'string' ? firstSentence(description) : undefined;
}

function resolveRef(ref: string, context: CheckerContext): SchemaNode | undefined {
  const match = /^#\/\$defs\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const definitions = (context.schema.$defs ?? {}) as Record<string, SchemaNode>;
  return definitions[match[1]!];
}

function rangeHint(schema: SchemaNode): string | undefined {
  const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
  if (minimum !== undefined && maximum !== undefined) return `use a number from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `use a number of at least ${minimum}`;
  if (maximum !== undefined) return `use a number of at most ${maximum}`;
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return type
    .split(',')
    .map((part) => names[part] ?? part)
    .join(' or ');
}

function quotedHint(error: ErrorObject): string | undefined {
  if ((error.params as { type: string }).type === 'string' && typeof error.data === 'number') {
    return 'put the value in quotes so YAML reads it as a string (1.30 unquoted is the number 1.3)';
  }
  return undefined;
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end);
}

/** Shows the list form of a single value written where a list is expected, such as `create: [$upstream_http_x_port]`. */
function scalarForListHint(error: ErrorObject): string | undefined {
  const type = (error.params as { type: string }).type;
  if (type !== 'array' || !['string', 'number', 'boolean'].includes(typeof error.data)) return undefined;
  const key = parsePointer(error.instancePath).at(-1) ?? 'value';
  return `write it as a list, even for one item: ${key}: [${String(error.data)}]`;
}
