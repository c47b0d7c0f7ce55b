import { describe, expect, it } from 'vitest';

import { lintText } from '../src/lint/linter.js';
import { parseTarget } from '../src/lint/target.js';
import { findNginx, nginxFirstError, nginxFirstErrorAt, requireAll } from './lint-table-probe.js';

/**
 * Broken configurations for which h2sticky must print the message that the
 * local `nginx -t` prints first, word for word, without running nginx.
 */
const brokenConfigs: readonly string[] = [
  'events {}\nhttp {\n    proxy_pas http://a;\n}\n',
  'events {}\nhttp {\n    listen 80;\n}\n',
  'events {}\nhttp {\n    server {\n        root /a /b;\n    }\n}\n',
  'events {}\nhttp {\n    sendfile yes;\n}\n',
  'events {}\nhttp;\n',
  'events {}\nhttp {\n    sendfile on { }\n}\n',
  'events {}\nhttp {\n    server {\n        listen 80\n    }\n}\n',
  'events {}\nhttp {\n    server {\n',
  'events {}\nhttp {\n    server {\n        listen 80',
  'events {}\n}\n',
  'events {}\nhttp {\n    server {\n        return 200 "a"b;\n    }\n}\n',
  'events {}\n;\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1;\n        sticky cookie s;\n    }\n}\n',
  'events {}\nhttp {\n    server {\n        listen 127.0.0.1:1;\n        http2 on;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1;\n        queue 10;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 weight=abc;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 bogus=1;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 weight=0;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 max_fails=-1;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 fail_timeout=500ms;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 "fail_timeout=1 s";\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 backup=1;\n    }\n}\n',
  'events {}\nhttp {\n    server {\n        location / {\n            proxy_next_upstream error http_999;\n        }\n    }\n}\n',
  'events {}\nhttp {\n    server {\n        location / {\n            grpc_next_upstream error updating;\n        }\n    }\n}\n',
  'events {}\nhttp {\n    server {\n        location / {\n            fastcgi_next_upstream http_502;\n        }\n    }\n}\n',
  'events {}\nhttp {\n    keepalive_disable msie7;\n}\n',
  'events {}\nhttp {\n    gzip_proxied any none;\n}\n',
  'events {}\nhttp {\n    server {\n        ssl_protocols TLSv1.2 TLSv1.4;\n    }\n}\n',
];

/**
 * Broken configurations for which h2sticky's message starts with nginx's and
 * then explains more, such as the version that added the feature.
 */
const explainedConfigs: readonly (readonly [config: string, version: string])[] = [
  ['events {}\nhttp {\n    upstream u {\n        ip_hash;\n        server 127.0.0.1:1;\n        server 127.0.0.1:2 backup;\n    }\n}\n', '1.22.1'],
  ['events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:1 route=a;\n    }\n}\n', '1.22.1'],
  ['events {}\nhttp {\n    upstream u {\n        zone u 64k;\n        server localhost:1 resolve;\n    }\n}\n', '1.22.1'],
  ['events {}\nhttp {\n    server {\n        location / {\n            proxy_http_version 2;\n        }\n    }\n}\n', '1.22.1'],
  ['events {}\nhttp {\n    server {\n        listen 127.0.0.1:1 quic;\n    }\n}\n', '1.22.1'],
  ['events {}\nhttp {\n    server {\n        listen 127.0.0.1:1 defualt_server;\n    }\n}\n', '1.22.1'],
];

const nginx = findNginx();
const skipReason = nginx ? undefined : 'nginx not found (set NGINX or install the nginx package)';
if (skipReason && requireAll) throw new Error(`H2STICKY_REQUIRE_ALL=1: ${skipReason}`);

/** Returns the first message h2sticky gives (a parse error, else the first error finding) without the location suffix. */
function firstMessage(config: string, version: string): string {
  const result = lintText(config, { target: parseTarget(version, 'oss') }, '/virtual/nginx.conf');
  const parseError = result.payload.errors[0];
  if (parseError) return parseError.error.replace(/ in \/virtual\/nginx\.conf:\d+$/, '');
  const finding = result.findings.find((candidate) => candidate.severity === 'error');
  return (finding?.message ?? '').replace(/: (open-source nginx|it appeared|it is available).*$/, '');
}

describe.skipIf(!nginx)(`messages against nginx -t${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it.each(brokenConfigs.map((config, index) => [index, config] as const))('broken config %i gives the nginx message', (_index, config) => {
    const expected = nginxFirstError(nginx?.path ?? 'nginx', config);
    expect(expected).not.toBe('');
    expect(firstMessage(config, nginx?.version ?? '1.22.1')).toBe(expected);
  });
});

describe.skipIf(!nginx || !nginx.version.startsWith('1.22.'))(`explained messages against nginx 1.22 -t (skipped unless the local nginx is 1.22)`, () => {
  it.each(explainedConfigs.map(([config, version], index) => [index, config, version] as const))('explained config %i starts with the nginx message', (_index, config, version) => {
    const expected = nginxFirstError(nginx?.path ?? 'nginx', config);
    expect(expected).not.toBe('');
    const result = lintText(config, { target: parseTarget(version, 'oss') }, '/virtual/nginx.conf');
    const messages = result.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.message);
    expect(messages.some((message) => message.startsWith(expected)), `${JSON.stringify(messages)} should start with ${expected}`).toBe(true);
  });
});

/** Directives that take no block but get one, on the directive's line or, after a missing ";", on a later line. */
const unexpectedBlockConfigs: readonly string[] = [
  'events {}\nhttp {\n    server {\n        listen 80\n        location / {\n            return 200;\n        }\n    }\n}\n',
  'events {}\nhttp {\n    server {\n        listen 127.0.0.1:80 default_server\n            reuseport\n        {\n        }\n    }\n}\n',
  'events {}\nhttp {\n    server {\n        listen 80 { }\n    }\n}\n',
  'events {}\nhttp {\n    sendfile on\n    server {\n        listen 80;\n    }\n}\n',
];

describe.skipIf(!nginx)(`unexpected blocks against nginx -t${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it.each(unexpectedBlockConfigs.map((config, index) => [index, config] as const))('config %i gives one finding on the nginx line', (_index, config) => {
    const expected = nginxFirstErrorAt(nginx?.path ?? 'nginx', config);
    expect(expected.message).toMatch(/is not terminated by ";"$/);
    const result = lintText(config, { target: parseTarget(nginx?.version ?? '1.22.1', 'oss') }, '/virtual/nginx.conf');
    const errors = result.findings.filter((finding) => finding.severity === 'error');
    expect(errors.map((finding) => [finding.code, finding.message, finding.line])).toEqual([['directive-arguments', expected.message, expected.line]]);
  });
});

/** Directives whose `;` is missing, so that the next line's words became their arguments. */
const missingSemicolonConfigs: readonly string[] = [
  'events {}\nhttp {\n    server {\n        listen 80\n        server_name a;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080\n        server 127.0.0.1:8081;\n    }\n}\n',
  'events {}\nhttp {\n    server {\n        listen 127.0.0.1:80 default_server\n\n        root /srv;\n    }\n}\n',
  'events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8080 weight=2\n        keepalive 16;\n    }\n}\n',
];

describe.skipIf(!nginx)(`missing semicolons against nginx -t${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it.each(missingSemicolonConfigs.map((config, index) => [index, config] as const))('config %i gives one finding on the nginx line', (_index, config) => {
    const expected = nginxFirstErrorAt(nginx?.path ?? 'nginx', config);
    expect(expected.message).toMatch(/^invalid parameter /);
    const result = lintText(config, { target: parseTarget(nginx?.version ?? '1.22.1', 'oss') }, '/virtual/nginx.conf');
    const errors = result.findings.filter((finding) => finding.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(expected.line);
    expect(errors[0]?.message.startsWith(expected.message), `${errors[0]?.message} should start with ${expected.message}`).toBe(true);
    expect(errors[0]?.message).toMatch(/: line \d+ probably lacks its ";"$/);
  });
});
