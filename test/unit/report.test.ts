import { describe, expect, it } from 'vitest';

import type { CliIO } from '../../src/cli/command.js';
import { printProblems } from '../../src/cli/report.js';
import type { Problem } from '../../src/problems.js';

function capture(problems: Problem[]): string[] {
  const lines: string[] = [];
  const io: CliIO = { out: () => {}, err: (text) => lines.push(text.split('\n')[0]!), errIsTTY: false, cwd: '/' };
  printProblems(io, problems);
  return lines;
}

describe('printProblems', () => {
  it('groups problems by file', () => {
    const lines = capture([
      { code: 'x', severity: 'error', message: 'b first', file: 'b.yaml', line: 9, column: 1 },
      { code: 'x', severity: 'error', message: 'a late', file: 'a.yaml', line: 5, column: 1 },
      { code: 'x', severity: 'error', message: 'b second', file: 'b.yaml', line: 12, column: 1 },
      { code: 'x', severity: 'error', message: 'a early', file: 'a.yaml', line: 2, column: 1 },
    ]);
    expect(lines).toEqual(['b.yaml:9:1: error: b first', 'b.yaml:12:1: error: b second', 'a.yaml:2:1: error: a early', 'a.yaml:5:1: error: a late']);
  });

  it('prints errors before warnings', () => {
    const lines = capture([
      { code: 'x', severity: 'warning', message: 'careful', file: 'a.yaml', line: 1, column: 1 },
      { code: 'x', severity: 'error', message: 'broken', file: 'a.yaml', line: 3, column: 1 },
    ]);
    expect(lines).toEqual(['a.yaml:3:1: error: broken', 'a.yaml:1:1: warning: careful']);
  });
});
