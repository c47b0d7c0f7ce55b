import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'Host from http_host', config: 'http {\n  server {\n    proxy_set_header Host $http_host;\n  }\n}\n', findings: [[3, 5]] },
    { name: 'grpc host header', config: 'http {\n  grpc_set_header host "$http_host:443";\n}\n', findings: [[2, 3]] },
  ],
  silent: [
    { name: 'Host from host', config: 'http {\n  proxy_set_header Host $host;\n}\n' },
    { name: 'other header from http_host', config: 'http {\n  proxy_set_header X-Original-Host $http_host;\n}\n' },
  ],
};
