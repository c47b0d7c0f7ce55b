import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    {
      name: 'weight 1000',
      config: 'http {\n  upstream u {\n    hash $cookie_sid consistent;\n    server 10.0.0.1 weight=1000;\n    server 10.0.0.2 weight=10;\n  }\n}\n',
      findings: [[4, 5]],
    },
  ],
  silent: [
    { name: 'small weights', config: 'http {\n  upstream u {\n    hash $cookie_sid consistent;\n    server 10.0.0.1 weight=5;\n    server 10.0.0.2 weight=100;\n  }\n}\n' },
    { name: 'huge weight without consistent hash', config: 'http {\n  upstream u {\n    server 10.0.0.1 weight=1000;\n    server 10.0.0.2;\n  }\n}\n' },
  ],
};
