import type { RuleCases } from './cases.js';

const headers = '      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n';

export const cases: RuleCases = {
  fire: [
    {
      name: 'HTTP/2 to the backend',
      config: `http {\n  server {\n    location /ws {\n      proxy_http_version 2;\n${headers}      proxy_pass http://127.0.0.1:1;\n    }\n  }\n}\n`,
      version: '1.30.6',
      findings: [[5, 7]],
    },
    {
      name: 'plain h2 port on 1.22',
      config: `http {\n  server {\n    listen 8080 http2;\n    location /ws {\n${headers}    }\n  }\n}\n`,
      version: '1.22.1',
      findings: [[5, 7]],
    },
  ],
  silent: [
    { name: 'HTTP/1.1 to the backend', config: `http {\n  server {\n    location /ws {\n      proxy_http_version 1.1;\n${headers}    }\n  }\n}\n` },
    { name: 'plain h2 port on 1.26', config: `http {\n  server {\n    listen 8080 http2;\n    location /ws {\n${headers}    }\n  }\n}\n`, version: '1.26.3' },
    { name: 'TLS h2 port on 1.22', config: `http {\n  server {\n    listen 443 ssl http2;\n    location /ws {\n${headers}    }\n  }\n}\n`, version: '1.22.1' },
  ],
};
