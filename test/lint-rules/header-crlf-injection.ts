import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'uri in redirect', config: 'http {\n  server {\n    location / {\n      return 302 https://example.com$uri;\n    }\n  }\n}\n', findings: [[4, 7]] },
    { name: 'capture of negated class', config: 'http {\n  server {\n    location ~ ^/docs/([^/]+) {\n      add_header X-Doc $1;\n    }\n  }\n}\n', findings: [[4, 7]] },
    { name: 'rewrite with negated class', config: 'http {\n  server {\n    rewrite ^/r/([^/]+)$ https://example.com/$1 redirect;\n  }\n}\n', findings: [[3, 5]] },
  ],
  silent: [
    { name: 'request_uri in redirect', config: 'http {\n  server {\n    return 301 https://$host$request_uri;\n  }\n}\n' },
    { name: 'capture without newline', config: 'http {\n  server {\n    location ~ ^/docs/(\\w+) {\n      add_header X-Doc $1;\n    }\n  }\n}\n' },
  ],
};
