import { formatProblem, type Problem } from '../problems.js';
import type { CliIO } from './command.js';

/** Prints problems to standard error: errors before warnings, each group by file and then by position in the file. */
export function printProblems(io: CliIO, problems: readonly Problem[]): void {
  const fileOrder = new Map<string, number>();
  for (const problem of problems) if (!fileOrder.has(problem.file ?? '')) fileOrder.set(problem.file ?? '', fileOrder.size);
  const byPosition = (a: Problem, b: Problem) =>
    fileOrder.get(a.file ?? '')! - fileOrder.get(b.file ?? '')! || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  const errors = problems.filter((problem) => problem.severity === 'error').sort(byPosition);
  const others = problems.filter((problem) => problem.severity !== 'error').sort(byPosition);
  for (const problem of [...errors, ...others]) io.err(`${formatProblem(problem)}\n`);
}

export function countSummary(problems: readonly Problem[]): string {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** Describes why a spec was not used: unreadable when the file could not be read, otherwise invalid with its counts. */
export function rejectionSummary(problems: readonly Problem[]): string {
  if (problems.some((problem) => problem.code.endsWith('.unreadable'))) return 'could not be read';
  return `is invalid (${countSummary(problems)})`;
}
