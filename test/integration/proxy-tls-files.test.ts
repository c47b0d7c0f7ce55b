/**
 * `h2sticky proxy` with the certificate files of its spec. A missing file
 * gets the placeholder certificate and a located warning, and
 * --require-tls-files turns that into exit code 2. A file that exists but
 * cannot be used is always exit code 2 with a located message.
 *
 * These run the built CLI through bin/h2sticky.js, as a user runs it, so
 * `npm run build` must have run after the last change to src/ (npm test
 * builds first).
 */

import type { ChildProcess } from 'node:child_process';
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ClientHttp2Session } from 'node:http2';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { Backend, stopBackends } from '../../src/diff/backend.js';
import { closeSession, openSession, request } from '../helpers/h2.js';
import { freePort } from '../helpers/loopback.js';
import { startBin, type Started } from '../helpers/proxy-process.js';

const bin = resolve('bin/h2sticky.js');
const directory = mkdtempSync(join(tmpdir(), 'h2sticky-proxy-tls-'));
const backend = new Backend({ id: 'one' });
const children: ChildProcess[] = [];

const placeholderCertificate = readFileSync('assets/placeholder-tls/placeholder.crt');
const secondCertificate = readFileSync('fixtures/tls/second.crt');

/** Writes a spec with one TLS listener and the given certificate and key paths; returns its path and text. */
function writeSpec(name: string, port: number, certificate: string, key: string): { path: string; text: string } {
  const text = stringify({
    h2sticky: 1,
    target: { nginx: '1.30.6' },
    upstreams: { app: { servers: [{ address: backend.address }] } },
    servers: [
      {
        server_names: ['shop.example.com'],
        listen: [{ address: '127.0.0.1', port, tls: true, http2: true }],
        tls: { certificate, key },
        locations: [{ path: '/', upstream: 'app' }],
      },
    ],
  });
  const path = join(directory, name);
  writeFileSync(path, text);
  return { path, text };
}

/** Returns `FILE:LINE:COL` of the value of the first `field:` line in a spec text. */
function settingLocation(spec: { path: string; text: string }, field: 'certificate' | 'key'): string {
  const lines = spec.text.split('\n');
  const index = lines.findIndex((line) => line.trimStart().startsWith(`${field}: `));
  const column = lines[index]!.indexOf(`${field}: `) + field.length + 3;
  return `${spec.path}:${index + 1}:${column}`;
}

function organization(session: ClientHttp2Session): string {
  return (session.socket as TLSSocket).getPeerCertificate().subject.O as string;
}

function logEvents(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function stopProxy(proxy: Started): Promise<number | null> {
  proxy.child.kill('SIGTERM');
  return proxy.exited;
}

beforeAll(async () => {
  await backend.start();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  await stopBackends([backend]);
  rmSync(directory, { recursive: true, force: true });
});

describe('proxy TLS files', () => {
  it('serves the placeholder for missing files', async () => {
    const port = await freePort();
    const missingCertificate = join(directory, 'absent', 'shop.crt');
    const spec = writeSpec('missing.yaml', port, missingCertificate, join(directory, 'absent', 'shop.key'));
    const proxy = await startBin(['proxy', spec.path], children);
    expect(proxy.stderr()).toContain(`https://127.0.0.1:${port} (h2, http/1.1)`);

    const warning = proxy.stderr().split('\n').find((line) => line.includes('placeholder'));
    expect(warning).toBeDefined();
    expect(warning).toContain(`${settingLocation(spec, 'certificate')}: warning:`);
    expect(warning).toContain(missingCertificate);
    expect(warning).toContain('clients must accept an untrusted certificate (curl -k');

    const logged = logEvents(proxy.stdout()).filter((line) => line.event === 'proxy.tls_placeholder');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.level).toBe(40);
    expect(logged[0]!.missing).toEqual([missingCertificate, join(directory, 'absent', 'shop.key')]);

    // The handshake succeeds only when the proxy presents the placeholder, the one certificate this client trusts.
    const session = await openSession(`https://127.0.0.1:${port}`, 'shop.example.com', { ca: placeholderCertificate });
    expect((await request(session, '/')).status).toBe(200);
    await closeSession(session);
    expect(await stopProxy(proxy)).toBe(0);
  });

  it('rejects missing files with --require-tls-files', async () => {
    const port = await freePort();
    const missingCertificate = join(directory, 'absent', 'shop.crt');
    const spec = writeSpec('required.yaml', port, missingCertificate, join(directory, 'absent', 'shop.key'));
    const proxy = await startBin(['proxy', spec.path, '--require-tls-files'], children);

    expect(await proxy.exited).toBe(2);
    expect(proxy.stderr()).not.toContain('listening on');
    expect(proxy.stderr()).toContain(`${settingLocation(spec, 'certificate')}: error: certificate ${missingCertificate} and key`);
    // An absolute path is named once, without a repeat in brackets.
    expect(proxy.stderr()).toContain(`certificate ${missingCertificate} and key ${join(directory, 'absent', 'shop.key')} do not exist [`);
    expect(proxy.stderr()).toContain('fix: create the files or correct the paths in the spec');
    expect(proxy.stderr()).toContain('the proxy did not start');
  });

  it('shows where a relative missing path was looked up', async () => {
    const port = await freePort();
    const spec = writeSpec('relative.yaml', port, 'absent/shop.crt', resolve('fixtures/tls/test.key'));
    const proxy = await startBin(['proxy', spec.path, '--require-tls-files'], children);

    expect(await proxy.exited).toBe(2);
    expect(proxy.stderr()).toContain(`error: certificate absent/shop.crt (${resolve('absent/shop.crt')}) does not exist [`);
  });

  it('serves existing files with --require-tls-files', async () => {
    const port = await freePort();
    const spec = writeSpec('existing.yaml', port, resolve('fixtures/tls/second.crt'), resolve('fixtures/tls/second.key'));
    const proxy = await startBin(['proxy', spec.path, '--require-tls-files'], children);
    expect(proxy.stderr()).toContain(`https://127.0.0.1:${port} (h2, http/1.1)`);
    expect(proxy.stderr()).not.toContain('placeholder');

    const session = await openSession(`https://127.0.0.1:${port}`, 'shop.example.com', { ca: secondCertificate });
    expect(organization(session)).toBe('h2sticky second test certificate');
    expect((await request(session, '/')).status).toBe(200);
    await closeSession(session);
    expect(await stopProxy(proxy)).toBe(0);
  });

  // Each case runs with and without --require-tls-files: a file that exists but cannot be used is an error either way.
  const unusable: { name: string; field: 'certificate' | 'key'; prepare: () => { certificate: string; key: string }; message: RegExp }[] = [
    {
      name: 'a certificate that is not PEM',
      field: 'certificate',
      prepare: () => {
        writeFileSync(join(directory, 'garbage.crt'), 'not a certificate\n');
        return { certificate: join(directory, 'garbage.crt'), key: resolve('fixtures/tls/test.key') };
      },
      message: /error: certificate \S+garbage\.crt is not a valid PEM certificate: no "-----BEGIN CERTIFICATE-----" line/,
    },
    {
      name: 'a truncated PEM key',
      field: 'key',
      prepare: () => {
        const text = readFileSync('fixtures/tls/test.key', 'latin1');
        writeFileSync(join(directory, 'truncated.key'), text.slice(0, 60) + '\n-----END PRIVATE KEY-----\n');
        return { certificate: resolve('fixtures/tls/test.crt'), key: join(directory, 'truncated.key') };
      },
      message: /error: key \S+truncated\.key is not a valid PEM private key: /,
    },
    {
      name: 'a certificate path that is a directory',
      field: 'certificate',
      prepare: () => {
        mkdirSync(join(directory, 'folder.crt'), { recursive: true });
        return { certificate: join(directory, 'folder.crt'), key: resolve('fixtures/tls/test.key') };
      },
      message: /error: cannot read certificate \S+folder\.crt: EISDIR/,
    },
    {
      name: 'a key of another certificate',
      field: 'key',
      prepare: () => ({ certificate: resolve('fixtures/tls/test.crt'), key: resolve('fixtures/tls/second.key') }),
      message: /error: key \S+second\.key does not belong to certificate \S+test\.crt/,
    },
  ];

  for (const testCase of unusable) {
    for (const flags of [[], ['--require-tls-files']]) {
      it(`rejects ${testCase.name} ${flags.length === 0 ? 'by default' : 'with --require-tls-files'}`, async () => {
        const port = await freePort();
        const files = testCase.prepare();
        const spec = writeSpec(`unusable-${testCase.field}.yaml`, port, files.certificate, files.key);
        const run = await execa(process.execPath, [bin, 'proxy', spec.path, ...flags], { reject: false, timeout: 30_000 });

        expect(run.exitCode).toBe(2);
        expect(run.stderr).toContain(`${settingLocation(spec, testCase.field)}: error:`);
        expect(run.stderr).toMatch(testCase.message);
        expect(run.stderr).toMatch(/\n {2}fix: /);
        expect(run.stderr).not.toContain('internal error');
        expect(run.stderr).not.toContain('listening on');
      });
    }
  }
});
