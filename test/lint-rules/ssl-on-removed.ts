import type { RuleCases } from './cases.js';

const config = 'http {\n  server {\n    listen 443;\n    ssl on;\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'ssl on for 1.26', config, version: '1.26.3', findings: [[4, 5]] },
    { name: 'ssl on for 1.22', config, version: '1.22.1', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'listen ssl', config: 'http {\n  server {\n    listen 443 ssl;\n  }\n}\n', version: '1.26.3' },
  ],
};
