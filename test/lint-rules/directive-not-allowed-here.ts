import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'proxy_pass in server', config: 'http {\n  server {\n    proxy_pass http://a;\n  }\n}\n', findings: [[3, 5]] },
    { name: 'listen in http', config: 'http {\n  listen 80;\n}\n', findings: [[2, 3]] },
    { name: 'worker_processes in events', config: 'events {\n  worker_processes 2;\n}\n', findings: [[2, 3]] },
    { name: 'resolver in upstream before 1.27.3', config: 'http {\n  upstream u {\n    server 127.0.0.1;\n    resolver 127.0.0.53;\n  }\n}\n', version: '1.26.3', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'directives in their contexts', config: 'worker_processes 2;\nevents { worker_connections 10; }\nhttp {\n  server {\n    location / { proxy_pass http://a; }\n  }\n}\n' },
    { name: 'resolver in upstream from 1.27.3', config: 'http {\n  upstream u {\n    zone u 64k;\n    server a.example resolve;\n    resolver 127.0.0.53;\n  }\n}\n', version: '1.28.0' },
    { name: 'stream server directives', config: 'stream {\n  server {\n    listen 53 udp;\n    proxy_pass 10.0.0.1:53;\n  }\n}\n' },
  ],
};
