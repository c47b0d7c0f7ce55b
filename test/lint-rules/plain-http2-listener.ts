import type { RuleCases } from './cases.js';

const config = 'http {\n  server {\n    listen 80 http2;\n    location / { return 200; }\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'plain http2 on 1.22', config, version: '1.22.1', findings: [[3, 5]] },
    { name: 'plain http2 on 1.25.0', config, version: '1.25.0', findings: [[3, 5]] },
    { name: 'h2c port beside TLS port', config: 'http {\n  server {\n    listen 443 ssl http2;\n    listen 8080 http2;\n  }\n}\n', version: '1.22.1', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'plain http2 on 1.26', config, version: '1.26.3' },
    { name: 'TLS http2 on 1.22', config: 'http {\n  server {\n    listen 443 ssl http2;\n  }\n}\n', version: '1.22.1' },
  ],
};
