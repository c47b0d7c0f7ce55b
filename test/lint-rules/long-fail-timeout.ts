import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'one hour', config: 'http {\n  upstream u {\n    server 10.0.0.1 fail_timeout=1h;\n    server 10.0.0.2;\n  }\n}\n', findings: [[3, 5]] },
    { name: 'ten minutes in stream', config: 'stream {\n  upstream u {\n    server 10.0.0.1:53 fail_timeout=10m;\n  }\n}\n', findings: [[3, 5]] },
  ],
  silent: [
    { name: 'thirty seconds', config: 'http {\n  upstream u {\n    server 10.0.0.1 fail_timeout=30s;\n  }\n}\n' },
    { name: 'exactly five minutes', config: 'http {\n  upstream u {\n    server 10.0.0.1 fail_timeout=5m;\n  }\n}\n' },
  ],
};
