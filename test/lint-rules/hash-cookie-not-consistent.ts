import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'hash on cookie', config: 'http {\n  upstream u {\n    hash $cookie_sid;\n    server 10.0.0.1;\n    server 10.0.0.2;\n  }\n}\n', findings: [[3, 5]] },
    { name: 'hash on cookie and uri', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    server 10.0.0.2;\n    hash "${cookie_user}$uri";\n  }\n}\n', findings: [[5, 5]] },
  ],
  silent: [
    { name: 'consistent hash on cookie', config: 'http {\n  upstream u {\n    hash $cookie_sid consistent;\n    server 10.0.0.1;\n    server 10.0.0.2;\n  }\n}\n' },
    { name: 'hash on uri', config: 'http {\n  upstream u {\n    hash $request_uri;\n    server 10.0.0.1;\n    server 10.0.0.2;\n  }\n}\n' },
    { name: 'one primary server', config: 'http {\n  upstream u {\n    hash $cookie_sid;\n    server 10.0.0.1;\n  }\n}\n' },
  ],
};
