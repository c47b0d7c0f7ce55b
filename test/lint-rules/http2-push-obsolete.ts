import type { RuleCases } from './cases.js';

const config = 'http {\n  http2_max_concurrent_pushes 5;\n  server {\n    location / {\n      http2_push /style.css;\n      http2_push_preload on;\n    }\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'push directives on 1.26', config, version: '1.26.3', findings: [[2, 3], [5, 7], [6, 7]] },
    { name: 'push directive on 1.22', config: 'http {\n  http2_push_preload on;\n}\n', version: '1.22.1', findings: [[2, 3]] },
  ],
  silent: [
    { name: 'no push directives', config: 'http {\n  http2_max_concurrent_streams 64;\n}\n', version: '1.26.3' },
  ],
};
