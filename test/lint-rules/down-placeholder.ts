import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'one live server and a placeholder', config: 'http {\n  upstream u {\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9999 down;\n  }\n}\n', findings: [[4, 5]] },
    {
      name: 'two placeholders',
      config: 'http {\n  upstream u {\n    server 127.0.0.1:9998 down;\n    server 127.0.0.1:9001 fail_timeout=30s;\n    server 127.0.0.1:9999 down;\n  }\n}\n',
      findings: [[3, 5]],
    },
  ],
  silent: [
    { name: 'two live servers', config: 'http {\n  upstream u {\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9002;\n    server 127.0.0.1:9999 down;\n  }\n}\n' },
    { name: 'single server', config: 'http {\n  upstream u {\n    server 127.0.0.1:9001;\n  }\n}\n' },
    { name: 'failure accounting turned off', config: 'http {\n  upstream u {\n    server 127.0.0.1:9001 max_fails=0;\n    server 127.0.0.1:9999 down;\n  }\n}\n' },
  ],
};
