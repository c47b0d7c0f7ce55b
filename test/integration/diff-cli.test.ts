/**
 * The diff command end to end in this process: exit codes, located
 * problems for invalid scenarios, and the report files it writes.
 */

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runCli } from '../helpers/cli.js';
import { findLocalNginx, findNginxImage, useOrSkip } from '../helpers/environment.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import { hasIpv6Loopback } from '../../src/diff/listeners.js';

const directory = mkdtempSync(join(tmpdir(), 'h2sticky-diff-cli-'));

/** Returns a spec with two backends behind a sticky cookie and the given `listen` items, which start on line 11. */
function dualStackSpec(listeners: string[]): string {
  return [
    'h2sticky: 1',
    'upstreams:',
    '  app:',
    '    servers:',
    '      - { address: 10.0.0.1:8080 }',
    '      - { address: 10.0.0.2:8080 }',
    '    affinity: { mode: cookie, name: srv_id, path: / }',
    'servers:',
    '  - server_names: [shop.example.com]',
    '    listen:',
    ...listeners,
    '    locations:',
    '      - { path: /, upstream: app }',
    '',
  ].join('\n');
}

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('h2sticky diff', () => {
  it('exits 0 and writes reports when nothing diverges', async (context) => {
    useOrSkip(context, await findLocalNginx());
    const junit = join(directory, 'passed.xml');
    const json = join(directory, 'passed.json');
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/weighted-round-robin.yaml', '-s', 'fixtures/scenarios/hash-key.yaml', '--junit', junit, '--json', json]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok {17}weighted-round-robin on nginx 1\.22\.1, 8 requests/m);
    expect(run.stdout).toContain('2 passed, 0 diverged');
    expect(readFileSync(junit, 'utf8')).toContain('<testsuite name="nginx 1.22.1" tests="2" failures="0" errors="0" skipped="0"');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { summary: { passed: number; requestsCompared: number } };
    expect(report.summary.passed).toBe(2);
    expect(report.summary.requestsCompared).toBe(18);
  });

  it('exits 1 on a divergence', async (context) => {
    const local = useOrSkip(context, await findLocalNginx());
    const { version } = await readNginxBuildInfo(local);
    // The local nginx behind a wrapper that reports the next patch release: the proxy behaves as that version, so the Server headers differ.
    const [major, minor, patch] = version.split('.').map(Number);
    const claimed = `${major}.${minor}.${patch! + 1}`;
    const wrapper = join(directory, 'nginx-claiming-next-patch');
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        'if [ "$1" = "-V" ] || [ "$1" = "-v" ]; then',
        `  "${local.bin}" "$1" 2>&1 | sed 's|^nginx version: nginx/[0-9.]*|nginx version: nginx/${claimed}|' >&2`,
        '  exit 0',
        'fi',
        `exec "${local.bin}" "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(wrapper, 0o755);
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/weighted-round-robin.yaml', '--nginx', `local:${wrapper}`, '--format', 'junit']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/<failure message="\d+ unexplained differences? between nginx and proxy">/);
    expect(run.stdout).toMatch(/^ {7}! headers {4}content-type: /m);
    expect(run.stdout).toMatch(new RegExp(`^ +server: nginx/${version.replaceAll('.', '\\.')} +server: nginx/${claimed.replaceAll('.', '\\.')}$`, 'm'));
  });

  it('exits 2 with every problem of an invalid scenario located', async () => {
    const file = join(directory, 'invalid.yaml');
    writeFileSync(file, ['h2sticky-scenario: 1', 'spec: ../missing.yaml', 'steps:', '  - request: { client: nobody }', '  - wiat: 1s', ''].join('\n'));
    const run = await runCli(['diff', '-s', file], '/');

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${file.slice(1)}:5:5: error: unknown property "wiat" in item 2 of "steps" [/steps/1/wiat]`);
    expect(run.stderr).toContain('did you mean "wait"?');
    expect(run.stderr).toContain(`${file.slice(1)}:4:24: error: unknown client "nobody" [/steps/0/request/client]`);
    expect(run.stderr).toContain('h2sticky: the scenarios are invalid; nothing was run');
  });

  it('exits 2 when a scenario names a backend the spec lacks', async (context) => {
    useOrSkip(context, await findLocalNginx());
    const file = join(directory, 'unknown-backend.yaml');
    writeFileSync(file, ['h2sticky-scenario: 1', 'spec: ' + join(process.cwd(), 'fixtures/specs/shop.yaml'), 'steps:', '  - backend: { name: app.7, action: stop }', '  - request: {}', ''].join('\n'));
    const run = await runCli(['diff', '-s', file]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(':4:22: error: unknown backend "app.7" [/steps/0/backend/name]');
    expect(run.stderr).toContain('fix: use one of app.1, app.2, app.3, api.1, api.2');
  });

  it('lists the problems of every scenario before running', async (context) => {
    useOrSkip(context, await findLocalNginx());
    const spec = join(process.cwd(), 'fixtures/specs/shop.yaml');
    const unknownBackend = join(directory, 'all-at-once-backend.yaml');
    const invalid = join(directory, 'all-at-once-schema.yaml');
    writeFileSync(unknownBackend, ['h2sticky-scenario: 1', `spec: ${spec}`, 'steps:', '  - request: { expect: { backend: app.9 } }', '  - backend: { name: api.5, action: stop }', ''].join('\n'));
    writeFileSync(invalid, ['h2sticky-scenario: 1', `spec: ${spec}`, 'steps:', '  - request: { path: nope }', ''].join('\n'));
    const run = await runCli(['diff', '-s', unknownBackend, '-s', invalid]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${unknownBackend}:4:35: error: unknown backend "app.9" [/steps/0/request/expect/backend]`);
    expect(run.stderr).toContain(`${unknownBackend}:5:22: error: unknown backend "api.5" [/steps/1/backend/name]`);
    expect(run.stderr).toContain(`${invalid}:4:22: error:`);
    expect(run.stderr).toContain('h2sticky: the scenarios are invalid; nothing was run');
  });

  it('reports unknown backends beside other problems', async (context) => {
    useOrSkip(context, await findLocalNginx());
    const spec = join(process.cwd(), 'fixtures/specs/shop.yaml');
    const file = join(directory, 'backends-with-other-problems.yaml');
    writeFileSync(
      file,
      [
        'h2sticky-scenario: 1',
        `spec: ${spec}`,
        'clients:',
        '  browser:',
        '    connections:',
        '      tls: { protocol: h3 }',
        'steps:',
        '  - request: { client: browser, connection: other, expect: { backend: app.1 } }',
        '  - request: { client: browser, expect: { backend: "@nolabel", not_backend: app.9 } }',
        '  - request: { path: nope, expect: { backend: api.7 } }',
        '  - backend: { name: app.8, action: stop }',
        '',
      ].join('\n'),
    );
    const run = await runCli(['diff', '-s', file]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${file}:6:24: error: invalid "protocol": "h3" [/clients/browser/connections/tls/protocol]`);
    expect(run.stderr).toContain(`${file}:8:45: error: client "browser" has no connection "other" [/steps/0/request/connection]`);
    expect(run.stderr).toContain(`${file}:9:52: error: unknown label "nolabel" [/steps/1/request/expect/backend]`);
    expect(run.stderr).toContain(`${file}:9:77: error: unknown backend "app.9" [/steps/1/request/expect/not_backend]`);
    expect(run.stderr).toContain(`${file}:10:22: error: invalid "path": "nope" [/steps/2/request/path]`);
    expect(run.stderr).toContain(`${file}:10:47: error: unknown backend "api.7" [/steps/2/request/expect/backend]`);
    expect(run.stderr).toContain(`${file}:11:22: error: unknown backend "app.8" [/steps/3/backend/name]`);
    expect(run.stderr).not.toContain('"app.1"');
    expect(run.stderr).toContain('h2sticky: the scenarios are invalid; nothing was run');
  });

  it('locates schema errors of an inline spec', async (context) => {
    useOrSkip(context, await findLocalNginx());
    const file = join(directory, 'inline-spec-errors.yaml');
    writeFileSync(file, ['h2sticky-scenario: 1', 'spec:', '  h2sticky: 1', '  upstreams: 3', '  servers: x', 'steps:', '  - request: { expect: { backend: app.1 } }', ''].join('\n'));
    const run = await runCli(['diff', '-s', file]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:4:14: error: "upstreams" must be a mapping, not 3 [/spec/upstreams]`);
    expect(run.stderr).toContain(`${file}:5:12: error: "servers" must be a list, not "x" [/spec/servers]`);
    expect(run.stderr).not.toContain('internal error');
  });

  it('runs IPv4 and IPv6 listeners on one port', async (context) => {
    useOrSkip(context, await findLocalNginx());
    useOrSkip(context, (await hasIpv6Loopback()) ? { available: true, value: true } : { available: false, reason: 'this machine has no IPv6 loopback address (::1)' });
    const spec = join(directory, 'dual-stack.yaml');
    writeFileSync(spec, dualStackSpec(['      - { port: 18443, http2: true, h2c_only: true }', '      - { address: "[::]", port: 18443, http2: true, h2c_only: true }']));
    const scenario = join(directory, 'dual-stack-scenario.yaml');
    writeFileSync(
      scenario,
      [
        'h2sticky-scenario: 1',
        'clients:',
        '  c:',
        '    connections:',
        '      v4: { protocol: h2c, port: 18443, address: "*" }',
        '      v6: { protocol: h2c, port: 18443, address: "[::]" }',
        'steps:',
        '  - request: { connection: v4, path: /a, label: first, expect: { status: 200 } }',
        '  - request: { connection: v6, path: /b, expect: { status: 200, backend: "@first" } }',
        '',
      ].join('\n'),
    );
    const run = await runCli(['diff', spec, '-s', scenario, '--format', 'json']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { results: { steps: { requests: { observations: { received: { xForwardedFor: string }[] }[] }[] }[] }[] };
    const sources = report.results[0]!.steps.map((step) => step.requests[0]!.observations.map((observation) => observation.received[0]?.xForwardedFor));
    expect(sources).toEqual([
      ['127.0.0.1', '127.0.0.1'],
      ['::1', '::1'],
    ]);
  });

  it("locates spec errors at the user's lines", async (context) => {
    useOrSkip(context, await findLocalNginx());
    const spec = join(directory, 'listens-twice.yaml');
    writeFileSync(
      spec,
      dualStackSpec([
        '      - { address: 127.0.0.1, port: 18443, http2: true, h2c_only: true }',
        '      - { address: "[::1]", port: 18443, http2: true, h2c_only: true }',
        '      - { address: 127.0.0.1, port: 18443, http2: true, h2c_only: true }',
      ]),
    );
    const run = await runCli(['diff', spec, '-s', 'fixtures/scenarios/weighted-round-robin.yaml']);

    expect(run.code).toBe(2);
    const errors = run.stdout.split('\n').filter((line) => line.includes(': error: '));
    expect(errors).toEqual(['    listens-twice.yaml:13:9: error: this server listens on 127.0.0.1:18443 twice [/servers/0/listen/2]']);
  });

  it('names --nginx in the fix for a missing nginx', async () => {
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/weighted-round-robin.yaml', '--nginx', 'local:/nonexistent/nginx']);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('nginx not found: /nonexistent/nginx does not exist or is not executable');
    expect(run.stderr).toContain('fix: install nginx, for example `apt-get install nginx`, or pass --nginx local:PATH\n');
    expect(run.stderr).not.toContain('--nginx-bin');
  });

  it('names --nginx in the fix for a non-nginx binary', async () => {
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/weighted-round-robin.yaml', '--nginx', 'local:/bin/true']);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('fix: pass the path of an nginx binary (--nginx local:PATH), or a Docker image with nginx (--nginx docker:IMAGE)');
    expect(run.stderr).not.toContain('--nginx-bin');
  });

  it('rejects a version the local nginx lacks', async (context) => {
    const local = useOrSkip(context, await findLocalNginx());
    const { version } = await readNginxBuildInfo(local);
    const [major, minor, patch] = version.split('.').map(Number);
    const other = `${major}.${minor}.${patch! + 1}`;
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/weighted-round-robin.yaml', '--nginx', 'local', '--nginx-version', other]);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`error: --nginx-version ${other} does not match nginx ${version} of --nginx local`);
    expect(run.stderr).toContain(`fix: leave out --nginx-version to test nginx ${version}, or leave out --nginx to run nginx ${other} in its h2sticky/nginx:${other} image`);
  });

  it('rejects --nginx with a version list', async () => {
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/weighted-round-robin.yaml', '--nginx', 'local', '--nginx-version', '1.22.1,1.30.6']);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error: --nginx local names one nginx, but --nginx-version names 2 versions (1.22.1, 1.30.6)');
  });

  it('runs the local nginx at its own version', async (context) => {
    const local = useOrSkip(context, await findLocalNginx());
    const { version } = await readNginxBuildInfo(local);
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/weighted-round-robin.yaml', '--nginx', 'local', '--nginx-version', version, '--format', 'json']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { results: { nginxVersion: string; servers: string[] }[] };
    expect(report.results[0]!.nginxVersion).toBe(version);
    expect(report.results[0]!.servers[0]).toBe(`nginx ${version} (local)`);
  });

  it('prints random run counts on standard output', { timeout: 120_000 }, async (context) => {
    const local = useOrSkip(context, await findLocalNginx());
    const { version } = await readNginxBuildInfo(local);
    const run = await runCli(['diff', '--random', '3', '--seed', '5', '--shrunk-dir', directory]);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^3 random scenarios \\(seed 5\\) on nginx ${version.replaceAll('.', '\\.')}: \\d+ requests compared, no unexplained divergence$`, 'm'));
    expect(run.stdout).toMatch(/^3 random scenarios passed$/m);
  });

  it('runs the nginx line the spec targets', async (context) => {
    const local = useOrSkip(context, await findLocalNginx());
    const image = useOrSkip(context, await findNginxImage(featureLevels.nativeSticky));
    const { version: localVersion } = await readNginxBuildInfo(local);
    const line = image.version.split('.').slice(0, 2).join('.');
    if (localVersion.startsWith(`${line}.`)) context.skip(`the local nginx ${localVersion} is of the ${line} line, so no image is chosen`);
    const spec = join(directory, 'target-line.yaml');
    writeFileSync(spec, dualStackSpec(['      - { port: 18080, http2: true, h2c_only: true }']).replace('h2sticky: 1\n', `h2sticky: 1\ntarget: { nginx: "${line}" }\n`));
    const scenario = join(directory, 'target-line-scenario.yaml');
    writeFileSync(scenario, 'h2sticky-scenario: 1\nsteps:\n  - request: { path: /a }\n  - request: { path: /b }\n');
    const run = await runCli(['diff', spec, '-s', scenario]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`note: running with ${image.image} in Docker, because target-line.yaml targets nginx ${line} and the local nginx is ${localVersion}`);
    expect(run.stdout).toContain(`target-line-scenario on nginx ${image.version}, 2 requests`);
  });

  it('keeps the local nginx without a target', async (context) => {
    const local = useOrSkip(context, await findLocalNginx());
    const { version } = await readNginxBuildInfo(local);
    const spec = join(directory, 'no-target.yaml');
    writeFileSync(spec, dualStackSpec(['      - { port: 18080, http2: true, h2c_only: true }']));
    const scenario = join(directory, 'no-target-scenario.yaml');
    writeFileSync(scenario, 'h2sticky-scenario: 1\nsteps:\n  - request: { path: /a }\n');
    const run = await runCli(['diff', spec, '-s', scenario]);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`no-target-scenario on nginx ${version}, 1 request`);
  });

  it('rejects te gzip on HTTP/2', async () => {
    const scenario = join(directory, 'te-gzip.yaml');
    writeFileSync(scenario, 'h2sticky-scenario: 1\nspec: ../no-such-spec.yaml\nsteps:\n  - request: { path: /a, headers: { te: gzip } }\n');
    const run = await runCli(['diff', '-s', scenario]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/te-gzip\.yaml:4:\d+: error: header "te: gzip" cannot be sent on HTTP\/2 connection "main" \[\/steps\/0\/request\/headers\/te\]/);
    expect(run.stderr).toContain('RFC 9113 section 8.2.2');
    expect(run.stdout).not.toContain('ok ');
  });

  it('writes reports for passing random runs', async (context) => {
    const local = useOrSkip(context, await findLocalNginx());
    const { version } = await readNginxBuildInfo(local);
    const junit = join(directory, 'random-passed.xml');
    const json = join(directory, 'random-passed.json');
    const run = await runCli(['diff', '--random', '2', '--seed', '5', '--shrunk-dir', directory, '--junit', junit, '--json', json]);

    expect(run.code).toBe(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<testsuite name="nginx ${version}" tests="1" failures="0" errors="0" skipped="0"`);
    expect(xml).toContain('name="2 random scenarios (seed 5)"');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { summary: { passed: number; requestsCompared: number } };
    expect(report.summary.passed).toBe(1);
    expect(report.summary.requestsCompared).toBeGreaterThan(0);
  });

  it('prints one table for a version list', async (context) => {
    useOrSkip(context, await findNginxImage(featureLevels.nativeSticky));
    useOrSkip(context, await findNginxImage(featureLevels.http2Directive));
    useOrSkip(context, await findNginxImage(featureLevels.listenHttp2));
    const images = await Promise.all([featureLevels.listenHttp2, featureLevels.http2Directive, featureLevels.nativeSticky].map(async (range) => (await findNginxImage(range))));
    const versions = images.map((image) => (image.available ? image.value.version : '')).join(',');
    const run = await runCli(['diff', '-s', 'fixtures/scenarios/drain.yaml', '--nginx-version', versions]);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const table = run.stdout.slice(run.stdout.indexOf('drain: nginx'));
    const [, header, , ...rows] = table.trimEnd().split('\n');
    expect(header).toMatch(/^step +nginx 1\.22\.\d+ +nginx 1\.26\.\d+ +nginx 1\.30\.\d+$/);
    expect(rows[0]).toMatch(/^2 GET \/cart +=  200 app\.2 srv_id->app\.2$/);
    expect(rows.at(-1)).toMatch(/^result +not-applicable +not-applicable +passed$/);
  });
});
