import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ContextName } from '../src/lint/directive-table.js';

/**
 * Wraps one directive line in the blocks that make up `context`, so that
 * `nginx -t` reads it in that context. Returns undefined for contexts this probe cannot
 * build, such as stream and mail when their dynamic modules are not installed.
 */
export function wrapInContext(context: ContextName, line: string): string | undefined {
  const events = `${loadModules}events {}\n`;
  switch (context) {
    case 'main':
      return `${events}${line}\n`;
    case 'events':
      return `${loadModules}events { ${line} }\n`;
    case 'http':
      return `${events}http { ${line} }\n`;
    case 'server':
      return `${events}http { server { listen 127.0.0.1:1; ${line} } }\n`;
    case 'location':
      return `${events}http { server { listen 127.0.0.1:1; location / { ${line} } } }\n`;
    case 'lif':
      return `${events}http { server { listen 127.0.0.1:1; location / { if ($uri) { ${line} } } } }\n`;
    case 'sif':
      return `${events}http { server { listen 127.0.0.1:1; if ($uri) { ${line} } } }\n`;
    case 'lmt':
      return `${events}http { server { listen 127.0.0.1:1; location / { limit_except GET { ${line} } } } }\n`;
    case 'upstream':
      return `${events}http { upstream u { ${line} server 127.0.0.1:1; } }\n`;
    case 'stream':
      return hasModule('stream') ? `${events}stream { ${line} }\n` : undefined;
    case 'stream-server':
      return hasModule('stream') ? `${events}stream { server { listen 127.0.0.1:1; ${line} } }\n` : undefined;
    case 'stream-upstream':
      return hasModule('stream') ? `${events}stream { upstream u { ${line} server 127.0.0.1:1; } }\n` : undefined;
    case 'mail':
      return hasModule('mail') ? `${events}mail { ${line} }\n` : undefined;
    case 'mail-server':
      return hasModule('mail') ? `${events}mail { server { listen 127.0.0.1:1; ${line} } }\n` : undefined;
    default:
      return undefined;
  }
}

/** Where Debian's libnginx-mod-* packages install dynamic modules. */
const moduleDirectory = '/usr/lib/nginx/modules';

/** True when the dynamic module that the directive table names (such as `stream` or `http_geoip`) is installed. */
export function hasModule(module: string): boolean {
  return existsSync(`${moduleDirectory}/ngx_${module}_module.so`);
}

/** load_module lines for every installed dynamic module, so their directives are known to nginx -t. */
const loadModules = existsSync(moduleDirectory)
  ? readdirSync(moduleDirectory)
      .filter((name) => name.endsWith('.so'))
      .sort()
      .map((name) => `load_module ${moduleDirectory}/${name};\n`)
      .join('')
  : '';

/** Runs `nginx -t` on a configuration text in a fresh prefix and returns its first [emerg] message, or '' when it passed. */
export function nginxFirstError(nginx: string, config: string): string {
  return nginxFirstErrorAt(nginx, config).message;
}

/** Runs `nginx -t` like nginxFirstError(), and returns the line that the message names too, or 0 when it names none. */
export function nginxFirstErrorAt(nginx: string, config: string): { message: string; line: number } {
  const prefix = mkdtempSync(join(tmpdir(), 'h2sticky-probe-'));
  try {
    writeFileSync(join(prefix, 'nginx.conf'), config);
    const result = spawnSync(nginx, ['-t', '-q', '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', `pid ${join(prefix, 'nginx.pid')}; error_log stderr;`], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    const match = /\[emerg\] (?:\d+#\d+: )?(.*) in \S+:(\d+)/.exec(result.stderr);
    if (result.status === 0) return { message: '', line: 0 };
    return { message: match?.[1] ?? result.stderr.trim(), line: Number(match?.[2] ?? 0) };
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

/** Finds the nginx binary: $NGINX, then /usr/sbin/nginx, then nginx on PATH. Returns undefined when none runs. */
export function findNginx(): { path: string; version: string } | undefined {
  const candidates = [process.env.NGINX, '/usr/sbin/nginx', 'nginx'].filter((candidate): candidate is string => Boolean(candidate));
  for (const path of candidates) {
    const result = spawnSync(path, ['-v'], { encoding: 'utf8', timeout: 10_000 });
    const match = /nginx\/(\d+\.\d+\.\d+)/.exec(result.stderr ?? '');
    if (result.status === 0 && match?.[1]) return { path, version: match[1] };
  }
  return undefined;
}

/** True when H2STICKY_REQUIRE_ALL=1 (set by CI): a missing program then fails the test instead of skipping it. */
export const requireAll = process.env.H2STICKY_REQUIRE_ALL === '1';
