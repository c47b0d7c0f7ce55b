import type { RuleCases } from './cases.js';

const config = 'http {\n  server {\n    add_header A 1;\n    add_header B 2;\n    location / {\n      add_header C 3;\n    }\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'location drops server headers', config, version: '1.26.3', findings: [[6, 7]] },
    { name: 'inherit on is the default', config, version: '1.30.6', findings: [[6, 7]] },
    { name: 'if block drops location header', config: 'http {\n  server {\n    location / {\n      add_header A 1;\n      if ($arg_x) {\n        add_header B 2;\n      }\n    }\n  }\n}\n', findings: [[6, 9]] },
  ],
  silent: [
    { name: 'merge on 1.30', config: config.replace('      add_header C 3;', '      add_header_inherit merge;\n      add_header C 3;'), version: '1.30.6' },
    { name: 'parent headers repeated', config: 'http {\n  add_header A 1;\n  server {\n    add_header A 1;\n    add_header B 2;\n  }\n}\n' },
    { name: 'no nested add_header', config: 'http {\n  server {\n    add_header A 1;\n    location / { root /srv; }\n  }\n}\n' },
  ],
};
