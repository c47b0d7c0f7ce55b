import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'too many arguments', config: 'http {\n  server {\n    root /a /b;\n  }\n}\n', findings: [[3, 5]] },
    { name: 'missing arguments', config: 'http {\n  server {\n    location / {\n      proxy_pass;\n    }\n  }\n}\n', findings: [[4, 7]] },
    { name: 'flag not on or off', config: 'http {\n  sendfile yes;\n}\n', findings: [[2, 3]] },
    { name: 'block directive without block', config: 'http;\n', findings: [[1, 1]] },
    { name: 'simple directive with block', config: 'http {\n  sendfile on { }\n}\n', findings: [[2, 3]] },
    { name: 'keepalive local before 1.29.7', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    keepalive 16 local;\n  }\n}\n', version: '1.26.3', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'correct counts', config: 'http {\n  sendfile on;\n  keepalive_timeout 65 60;\n  server { location / { return 200 "ok"; } }\n}\n' },
    { name: 'flag in upper case', config: 'http {\n  sendfile ON;\n}\n' },
    { name: 'keepalive local from 1.29.7', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    keepalive 16 local;\n  }\n}\n', version: '1.29.7' },
  ],
};
