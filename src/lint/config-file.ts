import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ValidateFunction } from 'ajv';

import { InputError, type Problem, type Severity } from '../problems.js';
import { configKeysHint, describeConfigErrors } from './config-errors.js';
import type { RuleSetting } from './linter.js';
import { allRules } from './rules/index.js';

/** The file `h2sticky lint` reads from the working directory when no `--config` is given. */
export const defaultConfigFileName = '.h2sticky-lint.json';

/** Settings from a lint config file; the command line overrides each of them. */
export interface LintConfig {
  nginxVersion?: string;
  edition?: 'oss' | 'plus';
  failOn?: Severity;
  rules?: Record<string, RuleSetting>;
}

const severities = ['error', 'warning', 'info'];

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    nginxVersion: { type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$' },
    edition: { enum: ['oss', 'plus'] },
    failOn: { enum: severities },
    rules: {
      type: 'object',
      propertyNames: { enum: allRules.map((rule) => rule.id) },
      additionalProperties: { enum: ['off', ...severities] },
      // A rule with options also takes [severity, options].
      properties: Object.fromEntries(
        allRules
          .filter((rule) => rule.options)
          .map((rule) => [
            rule.id,
            {
              anyOf: [
                { enum: ['off', ...severities] },
                { type: 'array', items: [{ enum: severities }, rule.options?.schema ?? {}], minItems: 2, additionalItems: false },
              ],
            },
          ]),
      ),
    },
  },
} as const;

/** Loads ajv and compiles the schema on first use, so that linting without a config file does not pay for either. */
let validator: ValidateFunction<LintConfig> | undefined;
async function configValidator(): Promise<ValidateFunction<LintConfig>> {
  if (!validator) {
    const { Ajv } = await import('ajv');
    // verbose: each error carries its schema, from which describeConfigErrors reads the valid keys.
    validator = new Ajv({ allErrors: true, verbose: true }).compile<LintConfig>(schema);
  }
  return validator;
}

/**
 * Reads the lint config file: the one named, or `.h2sticky-lint.json` in
 * `cwd` when it exists. Returns an empty config when there is none.
 */
export async function loadLintConfig(path: string | undefined, cwd: string): Promise<{ config: LintConfig; file: string | undefined }> {
  const file = path ?? join(cwd, defaultConfigFileName);
  if (path === undefined && !existsSync(file)) return { config: {}, file: undefined };

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw configError(file, `cannot read the lint config file: ${(error as Error).message}`, 'Check the path given to --config.');
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw configError(file, `the lint config file is not valid JSON: ${(error as Error).message}`, `Fix the JSON syntax. The file must contain one JSON object. ${configKeysHint}`);
  }

  const validate = await configValidator();
  if (!validate(data)) {
    const mistakes = describeConfigErrors(validate.errors ?? [], data, new Set(allRules.filter((rule) => rule.options).map((rule) => rule.id)));
    // The YAML loader keeps source positions (JSON is YAML); it is loaded only here, so a valid config costs nothing.
    const { loadSpecText } = await import('../spec/load.js');
    const located = loadSpecText(text, file).spec;
    const problems: Problem[] = mistakes.map((mistake) => ({
      code: 'invalid-lint-config',
      severity: 'error',
      file,
      ...(located ? located.locate(mistake.pointer, mistake.part) : {}),
      pointer: mistake.pointer,
      message: mistake.message,
      hint: mistake.hint,
    }));
    problems.sort((left, right) => (left.line ?? 0) - (right.line ?? 0) || (left.column ?? 0) - (right.column ?? 0));
    throw new InputError(problems, `invalid lint config file ${file}`);
  }
  return { config: data, file };
}

function configError(file: string, message: string, hint: string): InputError {
  return new InputError([{ code: 'invalid-lint-config', severity: 'error', file, message, hint }], message);
}
