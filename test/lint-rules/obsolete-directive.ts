import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'http2_idle_timeout', config: 'http {\n  http2_idle_timeout 3m;\n}\n', findings: [[2, 3]] },
    { name: 'http2_max_field_size', config: 'http {\n  server {\n    http2_max_field_size 8k;\n  }\n}\n', version: '1.22.1', findings: [[3, 5]] },
  ],
  silent: [
    { name: 'replacement directives', config: 'http {\n  keepalive_timeout 3m;\n  large_client_header_buffers 4 16k;\n}\n' },
  ],
};
