/**
 * Problems are values: loaders, validators, parsers and checkers return every
 * problem they find, and only the CLI turns them into output and exit codes.
 */

export type Severity = 'error' | 'warning' | 'info';

/** One located problem in an input file. */
export interface Problem {
  /** Stable identifier for the kind of problem; recover by code, never by message text. */
  code: string;
  severity: Severity;
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it, in one sentence. */
  hint?: string;
  file?: string;
  /** 1-based line number. */
  line?: number;
  /** 1-based column number. */
  column?: number;
  /** JSON pointer into the spec document (RFC 6901), such as `/upstreams/app/servers/0/address`. */
  pointer?: string;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** Lint findings or diff divergences. */
  findings: 1,
  /** Invalid input or usage. */
  invalidInput: 2,
  /** A required program (nginx, Docker) is missing or not running. */
  environment: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Raised when user input is invalid; the CLI prints every problem and exits with 2. */
export class InputError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[], summary?: string) {
    super(summary ?? `${problems.length} problem${problems.length === 1 ? '' : 's'} found`);
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** Raised when a required program or service is missing; the CLI exits with 3. */
export class EnvironmentError extends Error {
  /** What the user can do to provide the missing program or service. */
  readonly fix: string;

  /** Code of the missing program, so a caller can recognize the error without reading its text: `nginx-not-found`, `not-nginx`. */
  readonly code: string | undefined;

  constructor(message: string, fix: string, code?: string) {
    super(message);
    this.name = 'EnvironmentError';
    this.fix = fix;
    this.code = code;
  }
}

/**
 * Raised for a failure that no input explains, such as a rewrite of a valid
 * spec that no longer compiles; the CLI asks the user to report it and exits
 * with 4.
 */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

/** Formats a problem as `file:line:col: severity: message (pointer)` with the hint on a second line. */
export function formatProblem(problem: Problem): string {
  const location = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  const pointer = problem.pointer !== undefined ? ` [${problem.pointer === '' ? '/' : problem.pointer}]` : '';
  const head = `${location ? `${location}: ` : ''}${problem.severity}: ${problem.message}${pointer}`;
  return problem.hint ? `${head}\n  fix: ${problem.hint}` : head;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}
