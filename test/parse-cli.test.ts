import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from './lint-cli-helpers.js';

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-parse-cli-'));
  writeFileSync(join(directory, 'nginx.conf'), 'events {}\nhttp {\n    include site.conf;\n    # a note\n}\n');
  writeFileSync(join(directory, 'site.conf'), 'server {\n    listen 80;\n    if ($request_method = POST) { return 405; }\n}\n');
  writeFileSync(join(directory, 'broken.conf'), 'http {\n    server {\n        listen 80\n    }\n}\n');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('parse --json', () => {
  it('prints a crossplane-shaped payload', async () => {
    const { code, out } = await runCli(['parse', 'nginx.conf', '--json'], directory);
    expect(code).toBe(0);
    const payload = JSON.parse(out) as { status: string; errors: unknown[]; config: { file: string; status: string; parsed: { directive: string; line: number; args: string[]; includes?: number[]; block?: { directive: string; args: string[]; includes?: number[] }[] }[] }[] };
    expect(payload.status).toBe('ok');
    expect(payload.errors).toEqual([]);
    expect(payload.config.map((file) => file.file)).toEqual([join(directory, 'nginx.conf'), join(directory, 'site.conf')]);
    expect(payload.config[0]?.parsed[1]).toMatchObject({ directive: 'http', line: 2, args: [] });
    expect(payload.config[0]?.parsed[1]?.block?.[0]).toMatchObject({ directive: 'include', args: ['site.conf'], includes: [1] });
    expect(payload.config[1]?.parsed[0]?.block?.[1]).toMatchObject({ directive: 'if', args: ['$request_method', '=', 'POST'] });
  });

  it('keeps comments when asked', async () => {
    const { out } = await runCli(['parse', 'nginx.conf', '--json', '--include-comments'], directory);
    const payload = JSON.parse(out) as { config: { parsed: { block?: { directive: string; comment?: string }[] }[] }[] };
    expect(payload.config[0]?.parsed[1]?.block?.[1]).toMatchObject({ directive: '#', comment: ' a note' });
  });

  it('reports errors in the payload and exits 2', async () => {
    const { code, out } = await runCli(['parse', 'broken.conf', '--json'], directory);
    expect(code).toBe(2);
    const payload = JSON.parse(out) as { status: string; errors: { error: string; line: number }[] };
    expect(payload.status).toBe('failed');
    expect(payload.errors.map((error) => error.error)).toEqual([`unexpected "}" in ${join(directory, 'broken.conf')}:4`]);
  });
});

describe('parse without --json', () => {
  it('prints every file formatted', async () => {
    const { code, out } = await runCli(['parse', 'nginx.conf'], directory);
    expect(code).toBe(0);
    expect(out).toContain(`# configuration file ${join(directory, 'site.conf')}:\nserver {\n    listen 80;\n    if ($request_method = POST) {\n        return 405;\n    }\n}\n`);
  });
});

describe('parse then lint', () => {
  it('keeps a trailing suppression working', async () => {
    const suppressed = 'events {}\nhttp {\n    upstream app {\n        hash $remote_addr;\n        server 10.0.0.1;\n        server 10.0.0.2 backup; # h2sticky-disable-line backup-with-hash\n    }\n}\n';
    writeFileSync(join(directory, 'suppressed.conf'), suppressed);
    expect((await runCli(['lint', 'suppressed.conf'], directory)).code).toBe(0);

    const parsed = await runCli(['parse', 'suppressed.conf'], directory);
    expect(parsed.code).toBe(0);
    expect(parsed.out).toContain('        server 10.0.0.2 backup; # h2sticky-disable-line backup-with-hash\n');
    writeFileSync(join(directory, 'formatted.conf'), parsed.out);
    const linted = await runCli(['lint', 'formatted.conf'], directory);
    expect(linted.out).toBe('');
    expect(linted.code).toBe(0);
  });
});

describe('parse options', () => {
  it('rejects a negative indent', async () => {
    const { code, err } = await runCli(['parse', 'nginx.conf', '--indent', '-2'], directory);
    expect(code).toBe(2);
    expect(err).toContain('--indent');
  });

  it('indents by the given width', async () => {
    const { out } = await runCli(['parse', 'site.conf', '--indent', '2'], directory);
    expect(out).toContain('server {\n  listen 80;\n');
  });
});
