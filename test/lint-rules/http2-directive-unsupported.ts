import type { RuleCases } from './cases.js';

const config = 'http {\n  server {\n    listen 443 ssl;\n    http2 on;\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'http2 on for 1.22', config, version: '1.22.1', findings: [[4, 5]] },
    { name: 'http2 on for 1.25.0', config, version: '1.25.0', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'http2 on for 1.25.1', config, version: '1.25.1' },
    { name: 'listen parameter for 1.22', config: 'http {\n  server {\n    listen 443 ssl http2;\n  }\n}\n', version: '1.22.1' },
  ],
};
