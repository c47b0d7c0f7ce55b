import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'least_conn then hash', config: 'http {\n  upstream u {\n    least_conn;\n    hash $request_uri consistent;\n    server 10.0.0.1;\n  }\n}\n', findings: [[4, 5]] },
    { name: 'three methods', config: 'http {\n  upstream u {\n    ip_hash;\n    random;\n    least_conn;\n    server 10.0.0.1;\n  }\n}\n', findings: [[4, 5], [5, 5]] },
  ],
  silent: [
    { name: 'one method', config: 'http {\n  upstream u {\n    least_conn;\n    server 10.0.0.1;\n  }\n}\n' },
    { name: 'methods in two upstreams', config: 'http {\n  upstream a {\n    least_conn;\n    server 10.0.0.1;\n  }\n  upstream b {\n    ip_hash;\n    server 10.0.0.2;\n  }\n}\n' },
  ],
};
