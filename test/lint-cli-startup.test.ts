import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { commands } from '../src/cli/commands.js';
import { commandsFor, main, runCommands } from '../src/cli/main.js';
import { captureIO } from './helpers/cli.js';

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-cli-startup-'));
  writeFileSync(join(directory, 'nginx.conf'), 'events {}\nhttp {\n    upstream app { server 127.0.0.1:8080; keepalive 8; }\n    server { listen 80; location / { proxy_pass http://app; } }\n}\n');
  writeFileSync(join(directory, 'broken.conf'), 'http {\n    server {\n        listen 80\n    }\n}\n');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('commandsFor', () => {
  it('loads lint alone', async () => {
    const loaded = await commandsFor(['lint', 'nginx.conf']);
    expect(loaded.map((command) => command.command)).toEqual(['lint [files..]']);
  });

  it('loads parse alone', async () => {
    const loaded = await commandsFor(['parse', 'nginx.conf', '--json']);
    expect(loaded.map((command) => command.command)).toEqual(['parse <file>']);
  });

  it.each([[[]], [['--help']], [['build', 'spec.yaml']], [['--format', 'json', 'lint']], [['constructor']], [['lnt']]])(
    'loads every command for %j',
    async (argv) => {
      const loaded = await commandsFor(argv);
      expect(loaded).toBe(commands);
    },
  );
});

// Each case runs once through main, which loads one command, and once with every command registered.
const sameOutputCases: readonly (readonly string[])[] = [
  ['lint', '--help'],
  ['parse', '--help'],
  ['lint'],
  ['lint', '--list-rules'],
  ['lint', 'nginx.conf', '--nginx-version', '1.22.1'],
  ['lint', 'nginx.conf', '--format', 'json'],
  ['lint', 'nginx.conf', '--format', 'sarif'],
  ['lint', 'nginx.conf', '--format', 'xml'],
  ['lint', 'nginx.conf', '--no-such-option'],
  ['lint', 'nginx.conf', '--fail-on', 'bogus'],
  ['lint', 'missing.conf'],
  ['lint', 'broken.conf'],
  ['lint', '--version'],
  ['parse'],
  ['parse', 'a.conf', 'b.conf'],
  ['parse', 'nginx.conf', '--json'],
  ['parse', 'nginx.conf', '--indent', '99'],
  ['parse', 'broken.conf'],
];

describe('standalone command start-up', () => {
  it.each(sameOutputCases.map((argv) => [argv]))('matches the full command list for %j', async (argv) => {
    const alone = captureIO(directory);
    const aloneCode = await main(argv, alone.io);
    const full = captureIO(directory);
    const fullCode = await runCommands(argv, full.io, commands);

    expect(aloneCode).toBe(fullCode);
    expect(alone.output().out).toBe(full.output().out);
    expect(alone.output().err).toBe(full.output().err);
  });
});

/** Registers a module resolve hook that writes each resolved URL to standard error as "loaded URL". */
const logResolvedModules =
  'data:text/javascript,import { register } from "node:module"; register("data:text/javascript,' +
  'export async function resolve(specifier, context, next) { const result = await next(specifier, context); console.error(\\"loaded \\" + result.url); return result; }");';

// These run the built CLI (npm test builds it first), as the installed command runs.
describe('bundled CLI', () => {
  const bin = new URL('../bin/h2sticky.js', import.meta.url).pathname;

  it.each([
    [['lint', 'nginx.conf', '--nginx-version', '1.22.1', '--format', 'json']],
    [['lint', 'nginx.conf', '--format', 'sarif']],
    [['parse', 'nginx.conf', '--json']],
    [['parse', 'broken.conf']],
  ])('prints what main prints for %j', async (argv) => {
    const child = await execa('node', [bin, ...argv], { cwd: directory, reject: false });
    const inProcess = captureIO(directory);
    const code = await main(argv, inProcess.io);

    expect(child.exitCode).toBe(code);
    expect(child.stdout).toBe(inProcess.output().out.replace(/\n$/, ''));
    expect(child.stderr).toBe(inProcess.output().err.replace(/\n$/, ''));
  });

  it('loads no package for lint', async () => {
    const child = await execa('node', ['--import', logResolvedModules, bin, 'lint', 'nginx.conf', '--nginx-version', '1.22.1'], { cwd: directory, reject: false });
    const loaded = child.stderr
      .split('\n')
      .filter((line) => line.startsWith('loaded file:'))
      .map((line) => line.slice('loaded '.length));

    expect(child.exitCode).toBe(1);
    expect(loaded.some((url) => url.endsWith('/dist/cli-bundle.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/node_modules/'))).toEqual([]);
    expect(loaded.filter((url) => url.includes('cli-bundle-commands-'))).toEqual([]);
  });

  it('finds the schemas from the bundle', async () => {
    const child = await execa('node', [bin, 'schema'], { cwd: directory });
    expect(JSON.parse(child.stdout).title).toContain('h2sticky spec');
  });
});
