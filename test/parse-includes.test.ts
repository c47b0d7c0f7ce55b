import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseConfigFile } from '../src/lint/parser.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'h2sticky-include-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe('include', () => {
  it('expands globs relative to the main file, sorted', () => {
    const main = write('etc/nginx.conf', 'http {\n  include conf.d/*.conf;\n}\n');
    write('etc/conf.d/b.conf', 'server { listen 2; }\n');
    write('etc/conf.d/a.conf', 'server { listen 1; }\n');
    write('etc/conf.d/skip.txt', 'garbage {');

    const { payload } = parseConfigFile(main);

    expect(payload.status).toBe('ok');
    expect(payload.config.map((entry) => entry.file)).toEqual([main, join(root, 'etc/conf.d/a.conf'), join(root, 'etc/conf.d/b.conf')]);
    expect(payload.config[0]?.parsed[0]?.block?.[0]?.includes).toEqual([1, 2]);
  });

  it('resolves nested includes against the main prefix', () => {
    const main = write('main.conf', 'include a/one.conf;\n');
    write('a/one.conf', 'include b/two.conf;\n');
    write('b/two.conf', 'worker_processes 1;\n');

    const { payload } = parseConfigFile(main);

    expect(payload.errors).toEqual([]);
    expect(payload.config.map((entry) => entry.parsed[0]?.directive)).toEqual(['include', 'include', 'worker_processes']);
  });

  it('reports a missing file in nginx wording', () => {
    const main = write('main.conf', 'events {}\ninclude missing.conf;\n');

    const { payload } = parseConfigFile(main);

    expect(payload.status).toBe('failed');
    expect(payload.errors).toHaveLength(1);
    expect(payload.errors[0]?.error).toBe(`open() "${join(root, 'missing.conf')}" failed (2: No such file or directory) in ${main}:2`);
    expect(payload.errors[0]?.code).toBe('include-not-found');
  });

  it('reports a missing main file without a position', () => {
    const missing = join(root, 'absent.conf');
    const { payload } = parseConfigFile(missing);
    expect(payload.errors.map((error) => [error.code, error.error])).toEqual([['file-not-found', `open() "${missing}" failed (2: No such file or directory)`]]);
  });

  it('keeps the directives read before a syntax error', () => {
    const main = write('main.conf', 'worker_processes 1;\nevents {}\n}\nhttp {}\n');
    const { payload } = parseConfigFile(main);
    expect(payload.errors.map((error) => error.error)).toEqual([`unexpected "}" in ${main}:3`]);
    expect(payload.config[0]?.parsed.map((directive) => directive.directive)).toEqual(['worker_processes', 'events']);
  });

  it('drops an unfinished nested block after a syntax error', () => {
    const main = write('main.conf', 'events {}\nhttp {\n  server { listen 80; }\n  server {\n    listen 81\n  }\n}\n');
    const { payload } = parseConfigFile(main);
    expect(payload.errors.map((error) => error.error)).toEqual([`unexpected "}" in ${main}:6`]);
    expect(payload.config[0]?.parsed.map((directive) => directive.directive)).toEqual(['events']);
  });

  it('goes on after a syntax error in a nested include', () => {
    const main = write('main.conf', 'http {\n  server {\n    include broken.conf;\n    listen 80;\n    location /b { return 204; }\n  }\n}\n');
    const broken = write('broken.conf', 'location /a {\n  return 200;\n  return 201\n}\n');

    const { payload } = parseConfigFile(main);

    expect(payload.errors.map((error) => error.error)).toEqual([`unexpected "}" in ${broken}:4`]);
    const server = payload.config[0]?.parsed[0]?.block?.[0];
    expect(server?.block?.map((directive) => directive.directive)).toEqual(['include', 'listen', 'location']);
    expect(server?.block?.[2]?.block?.map((directive) => [directive.directive, ...directive.args])).toEqual([['return', '204']]);
    expect(payload.config[1]?.parsed).toEqual([]);
  });

  it('gives every block an array of its own size', () => {
    const main = write('main.conf', 'http {\n  server { listen 1; listen 2; location / { return 204; } }\n  server { }\n}\n');
    const http = parseConfigFile(main).payload.config[0]?.parsed[0];
    const servers = http?.block ?? [];
    expect(servers.map((server) => server.block?.length)).toEqual([3, 0]);
    expect(servers[0]?.block).not.toBe(servers[1]?.block);
    expect(servers[0]?.block?.[2]?.block?.map((directive) => directive.directive)).toEqual(['return']);
  });

  it('accepts a glob that matches nothing', () => {
    const main = write('main.conf', 'include none/*.conf;\n');
    expect(parseConfigFile(main).payload.errors).toEqual([]);
  });

  it('reports an include cycle', () => {
    const main = write('main.conf', 'include a.conf;\n');
    write('a.conf', 'include b.conf;\n');
    const b = write('b.conf', 'include a.conf;\n');

    const { payload } = parseConfigFile(main);

    expect(payload.errors.map((error) => error.code)).toEqual(['include-cycle']);
    expect(payload.errors[0]?.file).toBe(b);
    expect(payload.errors[0]?.error).toContain('include cycle');
  });

  it('parses a file included twice only once', () => {
    const main = write('main.conf', 'http {\n  server { include common.conf; }\n  server { include common.conf; }\n}\n');
    write('common.conf', 'listen 80;\n');

    const { payload } = parseConfigFile(main);

    expect(payload.config).toHaveLength(2);
    const servers = payload.config[0]?.parsed[0]?.block ?? [];
    expect(servers.map((server) => server.block?.[0]?.includes)).toEqual([[1], [1]]);
  });

  it('leaves includes alone in single-file mode', () => {
    const main = write('main.conf', 'include missing/*.conf;\n');
    const { payload } = parseConfigFile(main, { singleFile: true });
    expect(payload.config).toHaveLength(1);
    expect(payload.config[0]?.parsed[0]?.includes).toBeUndefined();
  });
});
