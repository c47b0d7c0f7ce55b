/**
 * The nginx runner against real nginx: the local binary and one
 * h2sticky/nginx image for each feature level, chosen by version range.
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EnvironmentError, InputError } from '../../src/problems.js';
import { runDocker } from '../../src/nginx/runner/docker.js';
import { readNginxBuildInfo, runnerContainerLabel } from '../../src/nginx/runner/executor.js';
import { featureLevels, listNginxImages } from '../../src/nginx/runner/images.js';
import { NginxRunError, startNginx, type RunningNginx } from '../../src/nginx/runner/start.js';
import { openNginxChecker, testConfig } from '../../src/nginx/runner/test-config.js';
import type { NginxSource } from '../../src/nginx/runner/source.js';
import { compareVersions, formatVersionRange, type VersionRange } from '../../src/nginx/runner/version.js';
import {
  findDockerEngine,
  findLocalNginx,
  findNginxImageSource,
  useOrSkip,
  type Availability,
} from '../helpers/environment.js';
import { freePort, http1Get, http2Get, startBackend } from '../helpers/loopback.js';

interface Target {
  name: string;
  find: () => Promise<Availability<NginxSource>>;
}

const imageTarget = (range: VersionRange): Target => ({
  name: `image with nginx ${formatVersionRange(range)}`,
  find: () => findNginxImageSource(range),
});

const targets: Target[] = [
  { name: 'local nginx', find: findLocalNginx },
  imageTarget(featureLevels.listenHttp2),
  imageTarget(featureLevels.http2Directive),
  imageTarget(featureLevels.nativeSticky),
];

const validFullConfig = `worker_processes 1;
events {
    worker_connections 64;
}
http {
    server {
        listen 127.0.0.1:8080;
        location / {
            return 200 "ok";
        }
    }
}
`;

// Line 5 has a directive that no nginx version defines.
const invalidFullConfig = `worker_processes 1;
events {
}
http {
    frobnicate on;
}
`;

/** Builds a full config that proxies two listeners to one backend: HTTP/1.1 on `ports.http1`, cleartext HTTP/2 on `ports.http2`. */
interface ProxyPorts {
  http1: number;
  http2: number;
  backend: number;
}

function proxyConfig(version: string, ports: ProxyPorts, marker: string): string {
  // Before 1.25.1 HTTP/2 is a listen parameter; from 1.25.1 the `http2` directive replaces it.
  const http2Listen =
    compareVersions(version, '1.25.1') < 0
      ? `listen 127.0.0.1:${ports.http2} http2;`
      : `listen 127.0.0.1:${ports.http2};\n        http2 on;`;

  return `worker_processes 1;
events {
    worker_connections 128;
}
http {
    access_log off;
    server {
        listen 127.0.0.1:${ports.http1};
        location / {
            proxy_pass http://127.0.0.1:${ports.backend};
            proxy_set_header X-Via nginx;
            add_header X-Nginx-Version $nginx_version always;
            add_header X-Config ${marker} always;
        }
    }
    server {
        ${http2Listen}
        location / {
            proxy_pass http://127.0.0.1:${ports.backend};
            proxy_set_header X-Via nginx;
            add_header X-Protocol $server_protocol always;
            add_header X-Config ${marker} always;
        }
    }
}
`;
}

let certificate: { certificate: string; key: string } | undefined;
let mountedDirectory: string;

beforeAll(async () => {
  mountedDirectory = await mkdtemp(join(tmpdir(), 'h2sticky-mounted-'));
  await writeFile(join(mountedDirectory, 'mounted.conf'), 'add_header X-Mounted yes;\n');

  const keyPath = join(mountedDirectory, 'server.key');
  const certificatePath = join(mountedDirectory, 'server.pem');
  const openssl = await execa(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', keyPath, '-out', certificatePath],
    { reject: false },
  );
  if (openssl.exitCode === 0) {
    certificate = { certificate: await readFile(certificatePath, 'utf8'), key: await readFile(keyPath, 'utf8') };
  }
});

afterAll(async () => {
  await rm(mountedDirectory, { recursive: true, force: true });
});

describe.each(targets)('$name', (target) => {
  let availability: Availability<NginxSource> | undefined;

  beforeAll(async () => {
    availability = await target.find();
  });

  it('nginx -t accepts a valid config', async (context) => {
    const source = useOrSkip(context, availability);

    const result = await testConfig({ source, config: validFullConfig, layout: 'full' });

    expect(result.output).toContain('test is successful');
    expect(result.ok).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.messages.filter((message) => message.level === 'emerg')).toEqual([]);
    expect(result.version).toMatch(/^\d+\.\d+\.\d+$/);
    if (source.kind === 'docker') expect(source.image).toBe(`h2sticky/nginx:${result.version}`);
  });

  it('nginx -t reports file and line', async (context) => {
    const source = useOrSkip(context, availability);

    const result = await testConfig({ source, config: invalidFullConfig, layout: 'full', fileName: 'site/nginx.conf' });

    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('test failed');
    expect(result.messages).toContainEqual({
      level: 'emerg',
      text: 'unknown directive "frobnicate"',
      file: 'site/nginx.conf',
      line: 5,
    });
  });

  it('http layout reports lines of the include', async (context) => {
    const source = useOrSkip(context, availability);
    const valid = 'server {\n    listen 127.0.0.1:8080;\n    return 204;\n}\n';
    const invalid = 'server {\n    listen 127.0.0.1:8080;\n    proxy_pass_header;\n}\n';

    const accepted = await testConfig({ source, config: valid, layout: 'http', fileName: 'app.conf' });
    const rejected = await testConfig({ source, config: invalid, layout: 'http', fileName: 'app.conf' });

    expect(accepted.ok).toBe(true);
    expect(rejected.ok).toBe(false);
    expect(rejected.messages).toContainEqual({
      level: 'emerg',
      text: 'invalid number of arguments in "proxy_pass_header" directive',
      file: 'app.conf',
      line: 3,
    });
  });

  it('config setting pid itself passes', async (context) => {
    const source = useOrSkip(context, availability);
    const config = `pid logs/own.pid;\nuser root;\n${validFullConfig}`;

    const result = await testConfig({ source, config, layout: 'full' });

    expect(result.messages).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('extra files and mounts are visible', async (context) => {
    const source = useOrSkip(context, availability);
    if (certificate === undefined) throw new Error('openssl could not create a test certificate; install openssl');
    const config = `events {
}
http {
    include snippets/common.conf;
    server {
        listen 127.0.0.1:8443 ssl;
        ssl_certificate certs/server.pem;
        ssl_certificate_key certs/server.key;
        include ${mountedDirectory}/mounted.conf;
    }
}
`;
    const files = [
      { path: 'snippets/common.conf', content: 'server_tokens off;\n' },
      { path: 'certs/server.pem', content: certificate.certificate },
      { path: 'certs/server.key', content: certificate.key },
    ];

    const withMount = await testConfig({ source, config, layout: 'full', files, mounts: [mountedDirectory] });
    const missingFile = await testConfig({ source, config, layout: 'full', files: files.slice(1), mounts: [mountedDirectory] });

    expect(withMount.messages).toEqual([]);
    expect(withMount.ok).toBe(true);
    expect(missingFile.ok).toBe(false);
    expect(missingFile.messages[0]?.text).toContain('snippets/common.conf');
    expect(missingFile.messages[0]?.file).toBe('nginx.conf');
    expect(missingFile.messages[0]?.line).toBe(4);
  });

  it('sticky support matches nginx -t', async (context) => {
    const source = useOrSkip(context, availability);
    const config = `upstream app {
    server 127.0.0.1:9001;
    server 127.0.0.1:9002;
    sticky cookie srv_id;
}
`;
    const checker = await openNginxChecker({ source });
    try {
      const result = await checker.check({ config, layout: 'http' });

      expect(result.ok).toBe(checker.buildInfo.modules.sticky);
      expect(checker.buildInfo.modules.sticky).toBe(compareVersions(result.version, '1.29.6') >= 0);
    } finally {
      await checker.close();
    }
  });

  it('startNginx proxies HTTP/1.1 and HTTP/2', async (context) => {
    const source = useOrSkip(context, availability);

    await withProxiedNginx(source, 'backend-a', async ({ nginx, ports, version }) => {
      const overHttp1 = await http1Get(ports.http1, '/hello');
      const overHttp2 = await http2Get(ports.http2, '/h2');

      expect(nginx.version).toBe(version);
      expect(overHttp1.status).toBe(200);
      expect(overHttp1.body).toBe('backend-a /hello via=nginx');
      expect(overHttp1.headers['x-nginx-version']).toBe(version);
      expect(overHttp2.status).toBe(200);
      expect(overHttp2.body).toBe('backend-a /h2 via=nginx');
      expect(overHttp2.headers['x-protocol']).toBe('HTTP/2.0');
    });
  });

  it('startNginx reports a rejected config', async (context) => {
    const source = useOrSkip(context, availability);
    const port = await freePort();

    const attempt = startNginx({ source, config: invalidFullConfig, layout: 'full', ports: [port] });

    await expect(attempt).rejects.toBeInstanceOf(NginxRunError);
    await expect(attempt).rejects.toThrow('nginx exited during startup');
    await expect(attempt).rejects.toHaveProperty(
      'messages',
      expect.arrayContaining([{ level: 'emerg', text: 'unknown directive "frobnicate"', file: 'nginx.conf', line: 5 }]),
    );
  });

  it('startNginx rejects daemon on', async (context) => {
    const source = useOrSkip(context, availability);

    const attempt = startNginx({ source, config: `daemon on;\n${validFullConfig}`, layout: 'full', ports: [8080] });

    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toHaveProperty('problems', [expect.objectContaining({ code: 'nginx-serve-directive' })]);
  });

  it('reload picks up a changed config', async (context) => {
    const source = useOrSkip(context, availability);

    await withProxiedNginx(source, 'backend-b', async ({ nginx, ports, version }) => {
      const before = await http1Get(ports.http1, '/');

      await nginx.reload({ config: proxyConfig(version, ports, 'second'), layout: 'full' });
      const after = await http1Get(ports.http1, '/');
      const afterOverHttp2 = await http2Get(ports.http2, '/');
      const rejected = nginx.reload({ config: invalidFullConfig, layout: 'full' });
      await expect(rejected).rejects.toBeInstanceOf(NginxRunError);
      const afterRejected = await http1Get(ports.http1, '/');

      expect(before.headers['x-config']).toBe('first');
      expect(after.headers['x-config']).toBe('second');
      expect(afterOverHttp2.headers['x-config']).toBe('second');
      expect(afterRejected.headers['x-config']).toBe('second');
      await expect(rejected).rejects.toThrow('unknown directive "frobnicate" in nginx.conf:5');
      expect(await nginx.errorLog()).toContain('reconfiguring');
    });
  });
});

/**
 * Starts a node:http backend and nginx with proxyConfig (marker `first`),
 * runs the body, and stops both whatever the body does.
 */
async function withProxiedNginx(
  source: NginxSource,
  backendName: string,
  body: (running: { nginx: RunningNginx; ports: ProxyPorts; version: string }) => Promise<void>,
): Promise<void> {
  const backend = await startBackend(backendName);
  let nginx: RunningNginx | undefined;
  try {
    const ports = { http1: await freePort(), http2: await freePort(), backend: backend.port };
    const { version } = await readNginxBuildInfo(source);
    nginx = await startNginx({
      source,
      config: proxyConfig(version, ports, 'first'),
      layout: 'full',
      ports: [ports.http1, ports.http2],
    });
    await body({ nginx, ports, version });
  } finally {
    await nginx?.stop();
    await backend.close();
  }
}

describe('missing programs', () => {
  it('missing nginx binary gives EnvironmentError', async () => {
    const source: NginxSource = { kind: 'local', bin: '/nonexistent/h2sticky/nginx' };

    const attempt = testConfig({ source, config: validFullConfig, layout: 'full' });

    await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
    await expect(attempt).rejects.toHaveProperty('fix', 'install nginx, for example `apt-get install nginx`, or pass the path of an nginx binary');
  });

  it('missing image names the fix', async (context) => {
    useOrSkip(context, await findDockerEngine());
    const source: NginxSource = { kind: 'docker', image: 'h2sticky/nginx:0.0.0' };

    const attempt = testConfig({ source, config: validFullConfig, layout: 'full' });

    await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
    await expect(attempt).rejects.toThrow(/Docker image h2sticky\/nginx:0\.0\.0 not found .*(images present|no h2sticky\/nginx images)/);
    await expect(attempt).rejects.toHaveProperty('fix', expect.stringContaining('scripts/nginx-images.sh'));
  });

  it('unreachable engine names dockerd.sh', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/h2sticky/docker.sock';
    try {
      const attempt = testConfig({ source: { kind: 'docker', image: 'h2sticky/nginx:1.30.6' }, config: validFullConfig, layout: 'full' });

      await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
      await expect(attempt).rejects.toHaveProperty('fix', expect.stringContaining('scripts/dockerd.sh'));
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

describe('docker images', () => {
  it('image tags match nginx -v', async (context) => {
    useOrSkip(context, await findDockerEngine());
    const images = await listNginxImages();
    if (images.length === 0) useOrSkip(context, { available: false, reason: 'no h2sticky/nginx images; run scripts/nginx-images.sh' });

    for (const image of images) {
      const info = await readNginxBuildInfo({ kind: 'docker', image: image.image });
      expect(info.version).toBe(image.version);
    }
  });

  it('shared container serves many checks', async (context) => {
    const source = useOrSkip(context, await findNginxImageSource(featureLevels.nativeSticky));
    const checker = await openNginxChecker({ source });

    const containerName = checker.containerName ?? '';
    const listContainer = async (): Promise<string> =>
      (await runDocker(['ps', '--all', '--quiet', '--filter', `name=^${containerName}$`, '--filter', `label=${runnerContainerLabel}`])).stdout.trim();

    try {
      expect(containerName).not.toBe('');
      expect(await listContainer()).not.toBe('');

      for (let round = 0; round < 10; round += 1) {
        const valid = await checker.check({ config: validFullConfig, layout: 'full' });
        const invalid = await checker.check({ config: invalidFullConfig, layout: 'full' });
        expect(valid.ok).toBe(true);
        expect(invalid.ok).toBe(false);
        expect(invalid.messages[0]?.line).toBe(5);
      }
    } finally {
      await checker.close();
    }

    expect(await listContainer()).toBe('');
  });
});
