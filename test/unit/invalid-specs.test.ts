import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runCli } from '../helpers/cli.js';

const directory = 'fixtures/specs/invalid';
const fixtures = readdirSync(directory).filter((file) => file.endsWith('.yaml')).sort();
const outputDirectory = mkdtempSync(join(tmpdir(), 'h2sticky-invalid-'));
afterAll(() => rmSync(outputDirectory, { recursive: true, force: true }));

/** Reads the `# expect: CODE [POINTER]` lines at the top of a fixture. */
function expectations(file: string): { code: string; pointer?: string }[] {
  return readFileSync(join(directory, file), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => {
      const [code, pointer] = line.slice('# expect: '.length).trim().split(/\s+/);
      return { code: code!, ...(pointer !== undefined ? { pointer } : {}) };
    });
}

describe('invalid specs', () => {
  it('has at least 15 kinds of invalid spec', () => {
    const codes = new Set(fixtures.flatMap((file) => expectations(file).map((expectation) => expectation.code)));
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
    expect(codes.size).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtures)('%s is rejected with a located error', async (file) => {
    const wanted = expectations(file);
    expect(wanted.length, `${file} needs an "# expect:" line`).toBeGreaterThan(0);

    const validation = await runCli(['validate', join(directory, file), '--format', 'json']);
    expect(validation.code).toBe(2);
    const report = JSON.parse(validation.stdout) as {
      valid: boolean;
      problems: { code: string; severity: string; pointer?: string; line?: number; column?: number; file?: string; hint?: string }[];
    };
    expect(report.valid).toBe(false);

    for (const expectation of wanted) {
      const match = report.problems.find(
        (problem) => problem.code === expectation.code && (expectation.pointer === undefined || problem.pointer === expectation.pointer),
      );
      expect(match, `${file}: no ${expectation.code} at ${expectation.pointer ?? 'any pointer'} in ${validation.stdout}`).toBeDefined();
      expect(match!.severity).toBe('error');
      expect(match!.file).toBe(join(directory, file));
      expect(match!.line).toBeGreaterThan(0);
      expect(match!.column).toBeGreaterThan(0);
      expect(match!.hint, 'every error says how to fix it').toBeTruthy();
    }
  });

  it.each(fixtures)('%s makes build exit 2 without writing', async (file) => {
    const output = join(outputDirectory, `${file}.conf`);
    const build = await runCli(['build', join(directory, file), '-o', output]);
    expect(build.code).toBe(2);
    expect(build.stdout).toBe('');
    expect(build.stderr).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}(:\\d+:\\d+)?: error: `));
    expect(build.stderr).toContain('nothing was written');
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(outputDirectory).filter((name) => name.startsWith(`.${file}`))).toEqual([]);
  });
});
