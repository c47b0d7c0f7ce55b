import type { RuleCases } from './cases.js';

const config = 'http {\n  server {\n    location / {\n      proxy_http_version 2;\n      proxy_pass http://127.0.0.1:9000;\n    }\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'version 2 on 1.26', config, version: '1.26.3', findings: [[4, 7]] },
    { name: 'version 2 on 1.29.3', config, version: '1.29.3', findings: [[4, 7]] },
  ],
  silent: [
    { name: 'version 2 on 1.29.4', config, version: '1.29.4' },
    { name: 'version 1.1 on 1.22', config: 'http {\n  proxy_http_version 1.1;\n}\n', version: '1.22.1' },
  ],
};
