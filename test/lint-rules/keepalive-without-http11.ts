import type { RuleCases } from './cases.js';

const bare = 'http {\n  upstream u {\n    server 127.0.0.1:1;\n    keepalive 64;\n  }\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://u;\n    }\n  }\n}\n';
const complete =
  'http {\n  upstream u {\n    server 127.0.0.1:1;\n    keepalive 64;\n  }\n  server {\n    listen 80;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location / {\n      proxy_pass http://u;\n    }\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'bare proxy_pass on 1.22', config: bare, version: '1.22.1', findings: [[9, 7]] },
    { name: 'bare proxy_pass on 1.26', config: bare, version: '1.26.3', findings: [[9, 7]] },
    {
      name: 'version set, connection not cleared',
      config: 'http {\n  upstream u {\n    server 127.0.0.1:1;\n    keepalive 8;\n  }\n  server {\n    location / {\n      proxy_http_version 1.1;\n      proxy_pass http://u;\n    }\n  }\n}\n',
      version: '1.26.3',
      findings: [[9, 7]],
    },
  ],
  silent: [
    { name: 'bare proxy_pass on 1.30', config: bare, version: '1.30.6' },
    { name: 'HTTP/2 to the backend on 1.29.4', config: bare.replace('      proxy_pass http://u;', '      proxy_http_version 2;\n      proxy_pass http://u;'), version: '1.29.4' },
    { name: 'settings inherited from server', config: complete, version: '1.22.1' },
    { name: 'upstream without keepalive', config: 'http {\n  upstream u {\n    server 127.0.0.1:1;\n  }\n  server {\n    location / {\n      proxy_pass http://u;\n    }\n  }\n}\n', version: '1.22.1' },
  ],
};
