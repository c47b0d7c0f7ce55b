import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'least_conn after sticky', config: 'http {\n  upstream u {\n    sticky cookie srv;\n    least_conn;\n    server 10.0.0.1;\n  }\n}\n', findings: [[4, 5]] },
    { name: 'hash after sticky', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    sticky cookie srv;\n    server 10.0.0.2;\n    hash $uri consistent;\n  }\n}\n', findings: [[6, 5]] },
  ],
  silent: [
    { name: 'balancer before sticky', config: 'http {\n  upstream u {\n    least_conn;\n    sticky cookie srv;\n    server 10.0.0.1;\n  }\n}\n' },
    { name: 'balancer without sticky', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    ip_hash;\n  }\n}\n' },
  ],
};
