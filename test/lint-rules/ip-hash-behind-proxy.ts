import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'ip_hash without real_ip', config: 'http {\n  upstream u {\n    ip_hash;\n    server 10.0.0.1;\n    server 10.0.0.2;\n    server 10.0.0.3;\n  }\n}\n', findings: [[3, 5]] },
  ],
  silent: [
    {
      name: 'ip_hash with real_ip',
      config: 'http {\n  set_real_ip_from 10.0.0.0/8;\n  real_ip_header X-Forwarded-For;\n  upstream u {\n    ip_hash;\n    server 10.0.0.1;\n    server 10.0.0.2;\n  }\n}\n',
    },
    { name: 'round robin', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    server 10.0.0.2;\n  }\n}\n' },
  ],
};
