/**
 * Measures the cost of one `nginx -t` check through the runner: the local
 * binary, a Docker image with one container per check, and a Docker image
 * with one shared container for all checks, plus a startNginx/stop cycle.
 *
 * Run: npx vitest bench --run bench/nginx-check.bench.ts
 * Sources that are missing are left out, with a line saying why.
 */

import { afterAll, bench, describe } from 'vitest';

import { EnvironmentError } from '../src/problems.js';
import { featureLevels, requireNginxImage } from '../src/nginx/runner/images.js';
import { startNginx } from '../src/nginx/runner/start.js';
import { openNginxChecker, testConfig, type NginxChecker } from '../src/nginx/runner/test-config.js';
import { defaultNginxSource, resolveLocalNginx, type NginxSource } from '../src/nginx/runner/source.js';

const config = `worker_processes 1;
events {
}
http {
    upstream app {
        server 127.0.0.1:9001;
        server 127.0.0.1:9002;
    }
    server {
        listen 127.0.0.1:18080;
        location / {
            proxy_pass http://app;
        }
    }
}
`;

// Fixed counts keep each run bounded: with Docker one check takes a tenth of a second or more.
const options = { iterations: 40, warmupIterations: 3, time: 0, warmupTime: 0 };

async function findSources(): Promise<{ name: string; source: NginxSource }[]> {
  const sources: { name: string; source: NginxSource }[] = [];
  try {
    const bin = resolveLocalNginx(defaultNginxSource.bin);
    sources.push({ name: `local ${bin}`, source: { kind: 'local', bin } });
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    console.warn(`bench: local nginx left out: ${error.message}`);
  }

  for (const range of Object.values(featureLevels)) {
    try {
      const image = await requireNginxImage(range);
      sources.push({ name: image.image, source: { kind: 'docker', image: image.image } });
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      console.warn(`bench: image left out: ${error.message}`);
    }
  }
  return sources;
}

const sources = await findSources();
const checkers: NginxChecker[] = [];

afterAll(async () => {
  for (const checker of checkers) await checker.close();
});

for (const { name, source } of sources) {
  describe(name, async () => {
    // Opened once outside the measured function, as a property test would.
    const checker = await openNginxChecker({ source });
    checkers.push(checker);

    bench(source.kind === 'docker' ? 'testConfig, one container per check' : 'testConfig', async () => {
      const result = await testConfig({ source, config, layout: 'full' });
      if (!result.ok) throw new Error(`nginx -t failed: ${result.output}`);
    }, options);

    if (source.kind === 'docker') {
      bench('openNginxChecker, shared container', async () => {
        const result = await checker.check({ config, layout: 'full' });
        if (!result.ok) throw new Error(`nginx -t failed: ${result.output}`);
      }, options);
    }

    bench('startNginx then stop', async () => {
      const nginx = await startNginx({ source, config, layout: 'full', ports: [18080] });
      await nginx.stop();
    }, { ...options, iterations: 10 });
  });
}
