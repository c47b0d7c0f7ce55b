import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InputError } from '../../../src/problems.js';
import { buildNginxArguments, createNginxPrefix, writeNginxConfig } from '../../../src/nginx/runner/prefix.js';

const asRoot = { workersAsRoot: true, errorLogOption: true };

let parent: string;

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'h2sticky-prefix-test-'));
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('createNginxPrefix', () => {
  it('writes a full config and extra files', async () => {
    const prefix = await createNginxPrefix(parent, {
      config: 'events {}\n',
      layout: 'full',
      fileName: 'out/nginx.conf',
      files: [{ path: 'certs/a.pem', content: 'PEM' }],
    });

    expect(prefix.mainConfigPath).toBe(prefix.configPath);
    expect(await readFile(prefix.configPath, 'utf8')).toBe('events {}\n');
    expect(await readFile(join(prefix.root, 'conf', 'certs', 'a.pem'), 'utf8')).toBe('PEM');
    expect(prefix.pathNames.get(prefix.configPath)).toBe('out/nginx.conf');
    expect(prefix.pathNames.get(join(prefix.root, 'conf', 'certs', 'a.pem'))).toBe('certs/a.pem');
    expect(await readFile(prefix.errorLogPath, 'utf8')).toBe('');
  });

  it('wraps an http-level include', async () => {
    const prefix = await createNginxPrefix(parent, { config: 'server {}\n', layout: 'http' });
    const wrapper = await readFile(prefix.mainConfigPath, 'utf8');

    expect(prefix.mainConfigPath).not.toBe(prefix.configPath);
    expect(wrapper).toContain('events {\n}');
    expect(wrapper).toContain(`http {\n    include "${prefix.configPath}";\n}`);
    expect(prefix.pathNames.get(prefix.configPath)).toBe('http.conf');
  });

  it('rejects extra files outside the config directory', async () => {
    const attempt = createNginxPrefix(parent, {
      config: '',
      layout: 'full',
      files: [
        { path: '/etc/passwd', content: '' },
        { path: '../escape.conf', content: '' },
        { path: 'nginx.conf', content: '' },
        { path: 'fine/ok.conf', content: '' },
      ],
    });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toHaveProperty('problems', [
      expect.objectContaining({ code: 'nginx-extra-file-invalid', pointer: '/files/0/path' }),
      expect.objectContaining({ code: 'nginx-extra-file-invalid', pointer: '/files/1/path' }),
      expect.objectContaining({ code: 'nginx-extra-file-invalid', pointer: '/files/2/path' }),
    ]);
  });

  it('rewrites the config for a reload', async () => {
    const prefix = await createNginxPrefix(parent, { config: 'events {}\n', layout: 'full' });

    await writeNginxConfig(prefix, { config: 'pid own.pid;\nevents {}\n', layout: 'full' });

    expect(await readFile(prefix.configPath, 'utf8')).toBe('pid own.pid;\nevents {}\n');
    expect(prefix.mainDirectives.has('pid')).toBe(true);
  });
});

describe('buildNginxArguments', () => {
  it('tests with pid, log and user', async () => {
    const prefix = await createNginxPrefix(parent, { config: 'events {}\n', layout: 'full' });

    const args = buildNginxArguments(prefix, 'test', asRoot);

    expect(args).toEqual([
      '-p',
      `${prefix.root}/`,
      '-c',
      prefix.configPath,
      '-e',
      prefix.errorLogPath,
      '-g',
      `pid "${prefix.pidPath}"; error_log "${prefix.errorLogPath}" notice; user root;`,
      '-t',
    ]);
  });

  it('leaves out what the config sets', async () => {
    const prefix = await createNginxPrefix(parent, {
      config: 'pid x.pid;\nuser nobody;\ndaemon off;\nmaster_process on;\nevents {}\n',
      layout: 'full',
    });

    const globals = buildNginxArguments(prefix, 'serve', asRoot).at(-1);

    expect(globals).toBe(`error_log "${prefix.errorLogPath}" notice;`);
  });

  it('serves in the foreground', async () => {
    const prefix = await createNginxPrefix(parent, { config: 'server {}\n', layout: 'http' });

    const args = buildNginxArguments(prefix, 'serve', { workersAsRoot: false, errorLogOption: false });

    expect(args).not.toContain('-t');
    expect(args).not.toContain('-e');
    expect(args.at(-1)).toBe(`pid "${prefix.pidPath}"; error_log "${prefix.errorLogPath}" notice; daemon off; master_process on;`);
    expect(args[3]).toBe(prefix.mainConfigPath);
  });
});
