import type { RuleCases } from './cases.js';

const quic = 'http {\n  server {\n    listen 443 quic reuseport;\n    listen 443 ssl;\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'quic on 1.22', config: quic, version: '1.22.1', findings: [[3, 5]] },
    { name: 'misspelled parameter', config: 'http {\n  server {\n    listen 80 defualt_server;\n  }\n}\n', findings: [[3, 5]] },
    { name: 'multipath on 1.29.6', config: 'http {\n  server {\n    listen 80 multipath;\n  }\n}\n', version: '1.29.6', findings: [[3, 5]] },
  ],
  silent: [
    { name: 'quic on 1.26', config: quic, version: '1.26.3' },
    { name: 'common parameters', config: 'http {\n  server {\n    listen [::]:443 ssl http2 default_server ipv6only=on backlog=511 so_keepalive=on;\n  }\n}\n', version: '1.22.1' },
    { name: 'stream listen parameters', config: 'stream {\n  server {\n    listen 53 udp;\n    proxy_pass 10.0.0.1:53;\n  }\n}\n' },
  ],
};
