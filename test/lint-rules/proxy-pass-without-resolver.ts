import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'host from set', config: 'http {\n  server {\n    location / {\n      set $backend api.internal;\n      proxy_pass http://$backend;\n    }\n  }\n}\n', findings: [[5, 7]] },
    { name: 'host from header', config: 'http {\n  server {\n    location / {\n      proxy_pass http://$http_x_target;\n    }\n  }\n}\n', findings: [[4, 7]] },
  ],
  silent: [
    { name: 'resolver defined', config: 'http {\n  resolver 127.0.0.53;\n  server {\n    location / {\n      set $backend api.internal;\n      proxy_pass http://$backend;\n    }\n  }\n}\n' },
    {
      name: 'map to upstream names',
      config: 'http {\n  upstream a { server 10.0.0.1; }\n  upstream b { server 10.0.0.2; }\n  map $cookie_pin $pool {\n    default a;\n    x b;\n  }\n  server {\n    location / {\n      proxy_pass http://$pool;\n    }\n  }\n}\n',
    },
    { name: 'literal host', config: 'http {\n  server {\n    location / {\n      proxy_pass http://127.0.0.1:8080$request_uri;\n    }\n  }\n}\n' },
  ],
};
