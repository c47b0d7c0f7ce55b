import type { RuleCases } from './cases.js';

const config = 'http {\n  server {\n    listen 443 ssl http2;\n    listen 80;\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'listen http2 on 1.26', config, version: '1.26.3', findings: [[3, 5]] },
    { name: 'listen http2 on 1.25.1', config, version: '1.25.1', findings: [[3, 5]] },
  ],
  silent: [
    { name: 'listen http2 on 1.22', config, version: '1.22.1' },
    { name: 'http2 directive on 1.26', config: 'http {\n  server {\n    listen 443 ssl;\n    http2 on;\n  }\n}\n', version: '1.26.3' },
    { name: 'stream listen', config: 'stream {\n  server {\n    listen 443;\n    proxy_pass 10.0.0.1:443;\n  }\n}\n', version: '1.26.3' },
  ],
};
