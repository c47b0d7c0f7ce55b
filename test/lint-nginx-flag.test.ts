import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { featureLevels } from '../src/nginx/runner/images.js';
import type { DockerNginxSource, LocalNginxSource } from '../src/nginx/runner/source.js';
import { findLocalNginx, findNginxImageSource, useOrSkip, type Availability } from './helpers/environment.js';
import { runCli, type JsonFinding } from './lint-cli-helpers.js';

let nginx: Availability<LocalNginxSource> | undefined;
let stickyImage: Availability<DockerNginxSource> | undefined;
let directory: string;

beforeAll(async () => {
  nginx = await findLocalNginx();
  stickyImage = await findNginxImageSource(featureLevels.nativeSticky);
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-lint-nginx-'));
  writeFileSync(join(directory, 'nginx.conf'), 'events {}\nhttp {\n    include sites/app.conf;\n}\n');
  writeFileSync(join(directory, 'variable.conf'), 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18080;\n        return 200 $no_such_variable;\n    }\n}\n');
  writeFileSync(join(directory, 'sticky.conf'), 'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:1;\n        sticky cookie srv;\n    }\n}\n');
  // Certificates that exist only on the target machine, as in a repository of nginx files.
  writeFileSync(
    join(directory, 'tls.conf'),
    'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18443 ssl;\n        ssl_certificate /etc/h2sticky-test-absent/site.crt;\n        ssl_certificate_key "/etc/h2sticky-test-absent/site.key";\n        return 200 $no_such_variable;\n    }\n}\n',
  );
  const sites = join(directory, 'sites');
  mkdirSync(sites);
  // The include carries a mistake that only nginx reports: a URI part in proxy_pass inside a regex location.
  writeFileSync(
    join(sites, 'app.conf'),
    'upstream app {\n    server 127.0.0.1:1;\n}\nserver {\n    listen 127.0.0.1:18081;\n    location ~ ^/api/ {\n        proxy_pass http://app/v1/;\n    }\n}\n',
  );
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function lintWithNginx(file: string, extra: string[] = []): Promise<{ code: number; findings: JsonFinding[]; err: string }> {
  const { code, out, err } = await runCli(['lint', file, '--nginx', 'local', '--format', 'json', ...extra], directory);
  const findings = out === '' ? [] : (JSON.parse(out) as { findings: JsonFinding[] }).findings;
  return { code, findings, err };
}

describe('lint --nginx', () => {
  it('adds messages only nginx -t reports', async (context) => {
    useOrSkip(context, nginx);
    const { code, findings, err } = await lintWithNginx('variable.conf');
    expect(code).toBe(1);
    expect(findings).toEqual([expect.objectContaining({ rule: 'nginx-t', severity: 'error', message: 'nginx: [emerg] unknown "no_such_variable" variable', file: join(directory, 'variable.conf') })]);
    expect(err).toMatch(/nginx \d+\.\d+\.\d+ -t rejected/);
  });

  it('maps messages in included files back to them', async (context) => {
    useOrSkip(context, nginx);
    const { findings } = await lintWithNginx('nginx.conf');
    const fromNginx = findings.filter((finding) => finding.rule === 'nginx-t');
    expect(fromNginx).toHaveLength(1);
    expect(fromNginx[0]?.file).toBe(join(directory, 'sites/app.conf'));
    expect(fromNginx[0]?.line).toBe(7);
    expect(fromNginx[0]?.message).toContain('"proxy_pass" cannot have URI part in location given by regular expression');
  });

  it('keeps one finding when a rule and nginx agree', async (context) => {
    useOrSkip(context, nginx);
    const { findings } = await lintWithNginx('sticky.conf', ['--nginx-version', '1.22.1']);
    expect(findings.map((finding) => finding.rule)).toEqual(['sticky-unsupported']);
  });

  it('targets the version of the nginx in a Docker image', async (context) => {
    const image = useOrSkip(context, stickyImage);
    const { code, findings, err } = await runCli(['lint', 'sticky.conf', '--nginx', `docker:${image.image}`, '--format', 'json'], directory).then((run) => ({
      code: run.code,
      err: run.err,
      findings: (JSON.parse(run.out) as { findings: JsonFinding[] }).findings,
    }));
    expect(err).toMatch(/nginx 1\.(29|3\d)\.\d+ -t accepted/);
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('uses placeholders for missing certificates', async (context) => {
    useOrSkip(context, nginx);
    const { code, findings, err } = await lintWithNginx('tls.conf');
    // Without placeholders nginx stops at the certificate, and never reaches the variable on line 7.
    expect(findings).toEqual([expect.objectContaining({ rule: 'nginx-t', message: 'nginx: [emerg] unknown "no_such_variable" variable', file: join(directory, 'tls.conf') })]);
    expect(findings[0]?.line).toBeNull();
    expect(findings[0]?.column).toBeNull();
    expect(err).toContain('note: certificate /etc/h2sticky-test-absent/site.crt is not readable here; nginx -t used a self-signed placeholder in its place');
    expect(err).toContain('note: key /etc/h2sticky-test-absent/site.key is not readable here');
    expect(code).toBe(1);
  });

  it('keeps line numbers after a placeholder', async (context) => {
    useOrSkip(context, nginx);
    const file = join(directory, 'tls-lines.conf');
    // The quoted path spans lines 5 and 6, so the replacement must keep a newline for the error on line 9 to stay there.
    writeFileSync(file, 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18444 ssl;\n        ssl_certificate "/etc/h2sticky-test-absent/a\nb.crt";\n        ssl_certificate_key /etc/h2sticky-test-absent/site.key;\n        location ~ ^/api/ {\n            proxy_pass http://127.0.0.1:1/v1/;\n        }\n    }\n}\n');
    const { findings } = await lintWithNginx(file);
    const fromNginx = findings.filter((finding) => finding.rule === 'nginx-t');
    expect(fromNginx.map((finding) => finding.line)).toEqual([9]);
    expect(fromNginx[0]?.message).toContain('cannot have URI part');
  });

  it('prints a located file without a zero position', async (context) => {
    useOrSkip(context, nginx);
    const { out } = await runCli(['lint', 'tls.conf', '--nginx', 'local'], directory);
    expect(out).toContain(`${join(directory, 'tls.conf')}\n${' '.repeat(11)}error    nginx: [emerg] unknown "no_such_variable" variable  nginx-t`);
    expect(out).not.toMatch(/\b0:0\b/);
  });

  it('notes the version that nginx -t checked', async (context) => {
    useOrSkip(context, nginx);
    const { err } = await lintWithNginx('variable.conf', ['--nginx-version', '1.31.0']);
    const checked = /nginx (\d+\.\d+\.\d+) -t rejected/.exec(err)?.[1];
    expect(checked).toBeDefined();
    expect(err).toContain(`note: nginx -t checked the files with nginx ${checked}, not with nginx 1.31.0 that --nginx-version names`);
  });

  it('adds no version note when the versions match', async (context) => {
    useOrSkip(context, nginx);
    const first = await lintWithNginx('variable.conf');
    const checked = /nginx (\d+\.\d+\.\d+) -t rejected/.exec(first.err)?.[1] ?? '';
    const { err } = await lintWithNginx('variable.conf', ['--nginx-version', checked]);
    expect(err).not.toContain('note:');
  });

  it('exits 3 when the nginx binary is missing', async () => {
    const { code, err } = await runCli(['lint', 'variable.conf', '--nginx', 'local:/nonexistent/nginx'], directory);
    expect(code).toBe(3);
    expect(err).toContain('/nonexistent/nginx');
  });

  it('exits 2 on an unreadable source form', async () => {
    const { code } = await runCli(['lint', 'variable.conf', '--nginx', 'podman:nginx'], directory);
    expect(code).toBe(2);
  });
});

describe('lint --nginx with a missing semicolon', () => {
  it('merges both messages into one finding', async (context) => {
    useOrSkip(context, nginx);
    writeFileSync(join(directory, 'missing-semicolon.conf'), 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18082\n        server_name a;\n    }\n}\n');
    const { code, findings } = await lintWithNginx('missing-semicolon.conf');
    expect(code).toBe(1);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.rule).toBe('listen-parameter-unsupported');
    expect(findings[0]?.line).toBe(5);
    expect(findings[0]?.message).toBe('invalid parameter "server_name": line 4 probably lacks its ";"');
  });
});

/** Upstream server lines that nginx 1.29.6 and later reject, with the rule message that must merge with nginx's. */
const newServerParameterConfigs: readonly (readonly [parameters: string, message: string])[] = [
  ['route=', 'route is empty'],
  [`route=${'a'.repeat(33)}`, 'route is longer than 32'],
  ['slow_start=30s', 'invalid parameter "slow_start=30s": it is available only in NGINX Plus'],
  ['weight=2 drain max_fails=x', 'invalid parameter "max_fails=x"'],
];

describe('lint --nginx docker with server parameters', () => {
  for (const [index, [parameters, message]] of newServerParameterConfigs.entries()) {
    it(`server parameters ${index} give one merged finding`, async (context) => {
      const image = useOrSkip(context, stickyImage);
      const file = `server-parameters-${index}.conf`;
      writeFileSync(join(directory, file), `events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:1 ${parameters};\n    }\n}\n`);
      const run = await runCli(['lint', file, '--nginx', `docker:${image.image}`, '--format', 'json'], directory);
      const findings = (JSON.parse(run.out) as { findings: JsonFinding[] }).findings;
      expect(run.code).toBe(1);
      expect(findings.map((finding) => [finding.rule, finding.line, finding.message])).toEqual([['server-parameter-invalid', 4, message]]);
    });
  }
});
