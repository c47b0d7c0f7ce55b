import { InputError, type Problem } from '../problems.js';
import type { ParseError } from './syntax.js';

/** Codes of the parse errors for a main file that could not be read at all. */
const unreadableFileCodes: ReadonlySet<string> = new Set(['file-not-found', 'file-unreadable']);

/** Turns a parse error into a problem. An unreadable main file has no position, so its line and column are left out. */
export function parseErrorProblem(error: ParseError): Problem {
  const problem: Problem = { code: error.code, severity: 'error', message: error.error, file: error.file };
  if (error.line > 0) problem.line = error.line;
  if (error.column > 0) problem.column = error.column;
  return problem;
}

/**
 * Raises an InputError when a main file given on the command line could not
 * be read, because then nothing can be linted or parsed: that is invalid
 * input, not a finding in the file.
 */
export function throwOnUnreadableFiles(errors: readonly ParseError[], action: string): void {
  const error = unreadableFilesError(errors, action);
  if (error) throw error;
}

/**
 * Creates the InputError for a failed parse: the main files that could not
 * be read when there are any, because the other errors then follow from
 * them, and otherwise every parse error. `action` completes "nothing was …".
 */
export function parseFailure(errors: readonly ParseError[], action: string): InputError {
  const count = errors.length;
  return unreadableFilesError(errors, action) ?? new InputError(errors.map(parseErrorProblem), `${count} parse error${count === 1 ? '' : 's'}; nothing was ${action}`);
}

function unreadableFilesError(errors: readonly ParseError[], action: string): InputError | undefined {
  const unreadable = errors.filter((error) => unreadableFileCodes.has(error.code));
  if (unreadable.length === 0) return undefined;

  const problems = unreadable.map((error) => ({
    ...parseErrorProblem(error),
    hint:
      error.code === 'file-not-found'
        ? 'Check the path. Give the main nginx configuration file, such as /etc/nginx/nginx.conf; its includes are read from it.'
        : 'Give a readable file, not a directory: the main nginx configuration file, such as /etc/nginx/nginx.conf.',
  }));
  const names = unreadable.map((error) => error.file).join(', ');
  return new InputError(problems, `cannot read ${names}; nothing was ${action}`);
}
