import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    {
      name: 'location drops server headers',
      config: 'http {\n  server {\n    proxy_set_header Host $host;\n    proxy_set_header X-Real-IP $remote_addr;\n    location / {\n      proxy_set_header X-Extra 1;\n      proxy_pass http://u;\n    }\n  }\n}\n',
      findings: [[6, 7]],
    },
  ],
  silent: [
    {
      name: 'all headers repeated',
      config: 'http {\n  proxy_set_header Host $host;\n  server {\n    location / {\n      proxy_set_header Host $host;\n      proxy_set_header X-Extra 1;\n    }\n  }\n}\n',
    },
    { name: 'headers only at one level', config: 'http {\n  server {\n    location / {\n      proxy_set_header Host $host;\n    }\n  }\n}\n' },
  ],
};
