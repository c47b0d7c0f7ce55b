/**
 * `h2sticky build --check` against real nginx: the shop example passes
 * `nginx -t` on each feature level, a rejected config is not written and the
 * message points at the generated line, and missing programs exit with 3.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import type { DockerNginxSource, LocalNginxSource } from '../../src/nginx/runner/source.js';
import { versionInRange } from '../../src/nginx/runner/version.js';
import { runCli } from '../helpers/cli.js';
import { findDockerEngine, findLocalNginx, findNginxImageSource, useOrSkip, type Availability } from '../helpers/environment.js';
import { listNginxImages } from '../../src/nginx/runner/images.js';

const directory = mkdtempSync(join(tmpdir(), 'h2sticky-check-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let local: Availability<LocalNginxSource & { version: string }>;
let engine: Availability<string>;
let middle: Availability<DockerNginxSource & { version: string }>;
let native: Availability<DockerNginxSource & { version: string }>;

async function withVersion<T extends LocalNginxSource | DockerNginxSource>(found: Availability<T>): Promise<Availability<T & { version: string }>> {
  if (!found.available) return found;
  const { version } = await readNginxBuildInfo(found.value);
  return { available: true, value: { ...found.value, version } };
}

/** Returns the major.minor line of a version, such as 1.30 for 1.30.6. */
function lineOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

beforeAll(async () => {
  local = await withVersion(await findLocalNginx());
  middle = await withVersion(await findNginxImageSource(featureLevels.http2Directive));
  native = await withVersion(await findNginxImageSource(featureLevels.nativeSticky));
  engine = await findDockerEngine();
});

/** Runs the CLI with DOCKER_HOST set to a socket where no engine listens, and restores it afterwards. */
async function runWithoutDocker(args: string[]): Promise<Awaited<ReturnType<typeof runCli>>> {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${join(directory, 'no-engine.sock')}`;
  try {
    return await runCli(args);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
}

describe('build --check', () => {
  it('passes nginx -t with the local nginx before 1.25.1', async (context) => {
    const nginx = useOrSkip(context, local);
    if (!versionInRange(nginx.version, featureLevels.listenHttp2)) context.skip(`the local nginx is ${nginx.version}, not older than 1.25.1`);

    const output = join(directory, 'local.conf');
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--nginx-version', nginx.version, '--check', '-o', output]);
    expect(run.stderr).toContain(`nginx ${nginx.version} (local) accepted the configuration`);
    expect(run.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('map $cookie_srv_id $h2s_app_upstream');
  });

  it.for([
    ['1.25.1 to 1.29.5', () => middle, false],
    ['1.29.6 and later', () => native, true],
  ] as const)('passes nginx -t in the image for %s', async ([, find, nativeSticky], context) => {
    const image = useOrSkip(context, find());
    const output = join(directory, `${image.version}.conf`);
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--nginx-version', image.version, '--check', '--nginx-image', image.image, '-o', output]);
    expect(run.stderr).toContain(`nginx ${image.version} (docker:${image.image}) accepted the configuration`);
    expect(run.code).toBe(0);
    const config = readFileSync(output, 'utf8');
    expect(config.includes('sticky cookie srv_id')).toBe(nativeSticky);
    expect(config.includes('map $cookie_srv_id')).toBe(!nativeSticky);
  });

  it('writes nothing and points at the line nginx rejects', async (context) => {
    const nginx = useOrSkip(context, local);
    if (versionInRange(nginx.version, featureLevels.nativeSticky)) context.skip(`the local nginx ${nginx.version} has native sticky`);

    const output = join(directory, 'rejected.conf');
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--nginx-version', '1.30.6', '--check', '--nginx-bin', nginx.bin, '-o', output]);
    expect(run.code).toBe(1);
    expect(existsSync(output)).toBe(false);
    const message = /^(.+):(\d+): nginx: \[emerg\] unknown directive "sticky"$/m.exec(run.stderr);
    expect(message?.[1]).toBe(output);
    const line = Number(message![2]);
    expect(run.stderr).toContain(`${String(line).padStart(5)} |         sticky cookie srv_id`);
    expect(run.stderr).toContain('nothing was written');
  });

  it('picks the image of the target line', async (context) => {
    const nginx = useOrSkip(context, local);
    const image = useOrSkip(context, native);
    const line = lineOf(image.version);
    if (lineOf(nginx.version) === line) context.skip(`the local nginx ${nginx.version} is on the line of ${image.image}`);

    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--nginx-version', line, '--check']);
    expect(run.stderr).toContain(`note: checking with ${image.image} in Docker, because the config targets nginx ${line} and the local nginx is ${nginx.version}`);
    expect(run.stderr).toContain(`nginx ${image.version} (docker:${image.image}) accepted the configuration`);
    expect(run.code).toBe(0);
  });

  it('keeps the local nginx of the target line', async (context) => {
    const nginx = useOrSkip(context, local);
    const line = lineOf(nginx.version);
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--nginx-version', line, '--check']);
    expect(run.stderr).not.toContain('in Docker');
    expect(run.stderr).toContain(`nginx ${nginx.version} (local) accepted the configuration`);
    expect(run.code).toBe(0);
  });

  it('exits with 3 when the nginx binary is missing', async () => {
    const output = join(directory, 'missing.conf');
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--check', '--nginx-bin', '/nonexistent/nginx', '-o', output]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('fix: install nginx, for example `apt-get install nginx`, or pass --nginx-bin PATH\n');
    expect(existsSync(output)).toBe(false);
  });

  it('exits with 3 when the image is missing', async (context) => {
    useOrSkip(context, native);
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--check', '--nginx-image', 'h2sticky/nginx:0.0.1']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('scripts/nginx-images.sh');
  });

  it('exits with 3 when Docker is unreachable', async (context) => {
    const nginx = useOrSkip(context, local);
    if (lineOf(nginx.version) === '1.30') context.skip(`the local nginx ${nginx.version} is on the 1.30 line`);

    const output = join(directory, 'no-docker.conf');
    const run = await runWithoutDocker(['build', 'fixtures/specs/shop.yaml', '--nginx-version', '1.30.6', '--check', '-o', output]);
    expect(run.code).toBe(3);
    expect(existsSync(output)).toBe(false);
    expect(run.stderr).toContain(`cannot check the config: it targets nginx 1.30.6, so --check looks for an nginx 1.30.x, but the local nginx is ${nginx.version}, and the Docker engine is not reachable at unix://${join(directory, 'no-engine.sock')}`);
    expect(run.stderr).toContain(`fix: build with --nginx-version ${nginx.version} to target the local nginx`);
    expect(run.stderr).toContain('run scripts/nginx-images.sh sid as root to build the h2sticky/nginx image of nginx 1.30 (the script builds 1.22 from Debian bookworm, 1.26 from Debian trixie, 1.30 from Debian sid)');
    expect(run.stderr).toContain('--nginx-bin nginx to check with the local binary anyway');
    expect(run.stderr).not.toContain('nginx rejected the generated configuration');
  });

  it('exits with 3 without an image of the line', async (context) => {
    const nginx = useOrSkip(context, local);
    useOrSkip(context, engine);
    const images = await listNginxImages();
    const line = '1.28';
    if (lineOf(nginx.version) === line || images.some((image) => lineOf(image.version) === line)) context.skip(`an nginx ${line} exists here`);

    const output = join(directory, 'no-image.conf');
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--nginx-version', `${line}.0`, '--check', '-o', output]);
    expect(run.code).toBe(3);
    expect(existsSync(output)).toBe(false);
    expect(run.stderr).toContain(`but the local nginx is ${nginx.version}, and no h2sticky/nginx image of nginx ${line} exists on`);
    expect(run.stderr).toContain('pass --nginx-image with an nginx image of that line');
    // The script builds only the lines of Debian's suites, and none of them is 1.28.
    expect(run.stderr).not.toContain('scripts/nginx-images.sh');
  });

  it('exits with 3 for a Plus target', async () => {
    const output = join(directory, 'plus.conf');
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--edition', 'plus', '--check', '-o', output]);
    expect(run.code).toBe(3);
    expect(existsSync(output)).toBe(false);
    expect(run.stderr).toContain('cannot check the config: it targets NGINX Plus');
    expect(run.stderr).toContain('fix: pass --nginx-bin or --nginx-image naming an NGINX Plus build');
    expect(run.stderr).not.toContain('unknown directive');
  });

  it('notes an open-source nginx for a Plus target', async (context) => {
    const nginx = useOrSkip(context, local);
    const run = await runCli(['build', 'fixtures/specs/shop.yaml', '--edition', 'plus', '--nginx-version', nginx.version, '--check', '--nginx-bin', nginx.bin]);
    expect(run.stderr).toContain(`note: the config targets NGINX Plus but was checked with open-source nginx ${nginx.version}, which may reject directives that only NGINX Plus has`);
    expect(run.stderr).toContain(`nginx ${nginx.version} (local:${nginx.bin})`);
  });
});
