import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'none accepted', config: 'http {\n  server {\n    location /img/ {\n      valid_referers none blocked example.com;\n    }\n  }\n}\n', findings: [[4, 7]] },
  ],
  silent: [{ name: 'server names only', config: 'http {\n  server {\n    location /img/ {\n      valid_referers server_names *.example.com;\n    }\n  }\n}\n' }],
};
