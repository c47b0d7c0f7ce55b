import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    {
      name: 'backup before hash',
      config: 'http {\n  upstream u {\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9002 backup;\n    hash $cookie_sid;\n  }\n}\n',
      findings: [[4, 5]],
    },
    {
      name: 'backup after ip_hash',
      config: 'http {\n  upstream u {\n    ip_hash;\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9002 backup;\n  }\n}\n',
      findings: [[5, 5]],
    },
    {
      name: 'backup with random',
      config: 'http {\n  upstream u {\n    random two;\n    server 127.0.0.1:9001 backup;\n    server 127.0.0.1:9002 backup;\n  }\n}\n',
      findings: [[4, 5], [5, 5]],
    },
  ],
  silent: [
    { name: 'backup with round robin', config: 'http {\n  upstream u {\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9002 backup;\n  }\n}\n' },
    { name: 'backup with least_conn', config: 'http {\n  upstream u {\n    least_conn;\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9002 backup;\n  }\n}\n' },
    { name: 'hash without backup', config: 'http {\n  upstream u {\n    hash $uri;\n    server 127.0.0.1:9001;\n    server 127.0.0.1:9002 down;\n  }\n}\n' },
  ],
};
