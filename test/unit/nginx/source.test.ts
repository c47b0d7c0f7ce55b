import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EnvironmentError, InputError } from '../../../src/problems.js';
import { formatNginxSource, parseNginxSource, resolveLocalNginx } from '../../../src/nginx/runner/source.js';

describe('parseNginxSource', () => {
  it.each([
    ['local', { kind: 'local', bin: 'nginx' }],
    ['  local ', { kind: 'local', bin: 'nginx' }],
    ['local:/opt/nginx/sbin/nginx', { kind: 'local', bin: '/opt/nginx/sbin/nginx' }],
    ['local:./nginx', { kind: 'local', bin: './nginx' }],
    ['docker:h2sticky/nginx:1.30.6', { kind: 'docker', image: 'h2sticky/nginx:1.30.6' }],
    ['docker:nginx:1.27-alpine', { kind: 'docker', image: 'nginx:1.27-alpine' }],
    ['docker:nginx@sha256:0123abcd', { kind: 'docker', image: 'nginx@sha256:0123abcd' }],
  ])('reads %j', (text, source) => {
    expect(parseNginxSource(text)).toEqual(source);
  });

  it.each(['', 'nginx', 'docker', 'docker:', 'local:', 'docker:--privileged', 'docker:a b', 'remote:host'])(
    'rejects %j',
    (text) => {
      expect(() => parseNginxSource(text)).toThrow(InputError);
    },
  );

  it('names the accepted forms', () => {
    let error: unknown;
    try {
      parseNginxSource('podman:nginx');
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(InputError);
    const problem = (error as InputError).problems[0];
    expect(problem?.code).toBe('nginx-source-invalid');
    expect(problem?.message).toContain('"podman:nginx"');
    expect(problem?.hint).toContain('docker:IMAGE');
  });

  it('round trips through formatNginxSource', () => {
    for (const text of ['local', 'local:/usr/sbin/nginx', 'docker:h2sticky/nginx:1.22.1']) {
      expect(formatNginxSource(parseNginxSource(text))).toBe(text);
    }
  });
});

describe('resolveLocalNginx', () => {
  let directory: string;
  let program: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'h2sticky-source-'));
    program = join(directory, 'nginx-test');
    await writeFile(program, '#!/bin/sh\nexit 0\n');
    await chmod(program, 0o755);
    await writeFile(join(directory, 'not-executable'), '');
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('finds a name on PATH', () => {
    expect(resolveLocalNginx('nginx-test', `/nonexistent:${directory}`)).toBe(program);
  });

  it('accepts an executable path', () => {
    expect(resolveLocalNginx(program, '')).toBe(program);
  });

  it('rejects missing or non-executable programs', () => {
    expect(() => resolveLocalNginx(join(directory, 'absent'), '')).toThrow(EnvironmentError);
    expect(() => resolveLocalNginx(join(directory, 'not-executable'), '')).toThrow(EnvironmentError);
    expect(() => resolveLocalNginx('h2sticky-no-such-program', directory)).toThrow(
      /no executable "h2sticky-no-such-program" on PATH or in \/usr\/local\/sbin, \/usr\/sbin, \/sbin/,
    );
  });

  it('gives the install fix', () => {
    let error: unknown;
    try {
      resolveLocalNginx('h2sticky-no-such-program', '');
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).fix).toBe('install nginx, for example `apt-get install nginx`, or pass the path of an nginx binary');
  });
});
