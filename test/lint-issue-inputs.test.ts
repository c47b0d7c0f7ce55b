import { describe, expect, it } from 'vitest';

import { lintText } from '../src/lint/linter.js';
import { parseTarget } from '../src/lint/target.js';

function lint(config: string, version: string) {
  const result = lintText(config, { target: parseTarget(version, 'oss') }, '/virtual/nginx.conf');
  expect(result.payload.errors).toEqual([]);
  return result.findings.map((finding) => ({ rule: finding.code, severity: finding.severity, line: finding.line, message: finding.message }));
}

const proxiedKeepalive = `http {
    upstream app {
        server 127.0.0.1:9001;
        keepalive 64;
    }
    server {
        listen 8080;
        location / {
            proxy_pass http://app;
        }
    }
}
`;

describe('documented inputs', () => {
  it('backup before hash gives one finding on the backup server', () => {
    const findings = lint('http {\n    upstream u { server 127.0.0.1:9001; server 127.0.0.1:9002 backup; hash $cookie_sid; }\n}\n', '1.30.6');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'backup-with-hash', severity: 'error', line: 2 });
    expect(findings[0]?.message).toContain('backup cannot be used with "hash"');
  });

  it('plain http2 listener targeting 1.22 blocks HTTP/1.1 clients', () => {
    const findings = lint('http {\n    server {\n        listen 80 http2;\n        location / { return 204; }\n    }\n}\n', '1.22');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'plain-http2-listener', line: 3 });
    expect(findings[0]?.message).toContain('HTTP/1.1 clients (every browser) cannot use port 80');
  });

  it('plain http2 listener targeting 1.26 is only deprecated', () => {
    const findings = lint('http {\n    server {\n        listen 80 http2;\n        location / { return 204; }\n    }\n}\n', '1.26');
    expect(findings.map((finding) => finding.rule)).toEqual(['listen-http2-deprecated']);
  });

  it.each(['1.22', '1.26'])('keepalive without HTTP/1.1 targeting %s gives one finding', (version) => {
    const findings = lint(proxiedKeepalive, version);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'keepalive-without-http11', line: 9 });
  });

  it('keepalive without HTTP/1.1 targeting 1.30 is clean', () => {
    expect(lint(proxiedKeepalive, '1.30')).toEqual([]);
  });

  it('location add_header drops both server headers', () => {
    const config = 'http {\n    server {\n        add_header X-A 1;\n        add_header X-B 2;\n        location / {\n            add_header X-C 3;\n        }\n    }\n}\n';
    for (const version of ['1.26', '1.30']) {
      const findings = lint(config, version);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ rule: 'add-header-redefinition', line: 6 });
      expect(findings[0]?.message).toContain('X-A, X-B');
    }
    const merged = config.replace('add_header X-C 3;', 'add_header_inherit merge;\n            add_header X-C 3;');
    expect(lint(merged, '1.30')).toEqual([]);
  });

  it('ip_hash without real_ip gives an informational finding', () => {
    const findings = lint('http {\n    upstream u {\n        ip_hash;\n        server 10.0.0.1;\n        server 10.0.0.2;\n        server 10.0.0.3;\n    }\n}\n', '1.30');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'ip-hash-behind-proxy', severity: 'info', line: 3 });
  });

  it('down placeholder turns on failure accounting', () => {
    const findings = lint('http {\n    upstream u {\n        server 127.0.0.1:9001;\n        server 127.0.0.1:9999 down;\n    }\n}\n', '1.30');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'down-placeholder', line: 4 });
    expect(findings[0]?.message).toContain('only live server 127.0.0.1:9001');
  });
});
