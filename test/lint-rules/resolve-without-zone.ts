import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'resolve without zone', config: 'http {\n  resolver 127.0.0.53;\n  upstream u {\n    server app.internal resolve;\n  }\n}\n', version: '1.28.0', findings: [[4, 5]] },
    { name: 'resolve without resolver', config: 'http {\n  upstream u {\n    zone u 64k;\n    server app.internal resolve;\n  }\n}\n', version: '1.28.0', findings: [[4, 5]] },
    { name: 'resolve before 1.27.3', config: 'http {\n  upstream u {\n    zone u 64k;\n    server app.internal resolve;\n  }\n}\n', version: '1.26.3', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'zone and resolver', config: 'http {\n  upstream u {\n    zone u 64k;\n    resolver 127.0.0.53;\n    server app.internal resolve;\n  }\n}\n', version: '1.28.0' },
    { name: 'no resolve parameter', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n  }\n}\n', version: '1.22.1' },
  ],
};
