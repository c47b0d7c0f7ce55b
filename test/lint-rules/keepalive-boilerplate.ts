import type { RuleCases } from './cases.js';

const config = 'http {\n  server {\n    location / {\n      proxy_http_version 1.1;\n      proxy_set_header Connection "";\n      proxy_pass http://u;\n    }\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'boilerplate on 1.30', config, version: '1.30.6', findings: [[4, 7], [5, 7]] },
    { name: 'boilerplate on 1.29.7', config, version: '1.29.7', findings: [[4, 7], [5, 7]] },
  ],
  silent: [
    { name: 'boilerplate on 1.29.6', config, version: '1.29.6' },
    { name: 'boilerplate on 1.22', config, version: '1.22.1' },
  ],
};
