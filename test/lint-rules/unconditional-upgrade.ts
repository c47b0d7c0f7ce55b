import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    {
      name: 'literal upgrade headers',
      config: 'http {\n  server {\n    location /ws {\n      proxy_set_header Upgrade websocket;\n      proxy_set_header Connection "upgrade";\n      proxy_pass http://127.0.0.1:1;\n    }\n  }\n}\n',
      findings: [[4, 7], [5, 7]],
    },
    { name: 'capitalised value', config: 'http {\n  proxy_set_header Connection Upgrade;\n}\n', version: '1.31.0', findings: [[2, 3]] },
    { name: 'HTTP/2 to the backend', config: 'http {\n  proxy_http_version 2;\n  proxy_set_header Connection upgrade;\n}\n', version: '1.31.0', findings: [[3, 3]] },
  ],
  silent: [
    {
      name: 'mapped connection header',
      config:
        'http {\n  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    "" "";\n  }\n  server {\n    location /ws {\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n    }\n  }\n}\n',
    },
    { name: 'cleared connection header', config: 'http {\n  proxy_set_header Connection "";\n}\n' },
  ],
};
