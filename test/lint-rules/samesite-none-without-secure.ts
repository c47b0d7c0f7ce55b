import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'samesite none', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    sticky cookie srv samesite=none;\n  }\n}\n', findings: [[4, 5]] },
    { name: 'samesite None mixed case', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    sticky cookie srv httponly samesite=None;\n  }\n}\n', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'samesite none secure', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    sticky cookie srv samesite=none secure;\n  }\n}\n' },
    { name: 'samesite lax', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    sticky cookie srv samesite=lax;\n  }\n}\n' },
  ],
};
