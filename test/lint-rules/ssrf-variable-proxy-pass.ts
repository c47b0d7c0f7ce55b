import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'host from argument', config: 'http {\n  server {\n    location /fetch {\n      proxy_pass http://$arg_host/;\n    }\n  }\n}\n', findings: [[4, 7]] },
    { name: 'host from regex capture', config: 'http {\n  server {\n    location ~ ^/proxy/([^/]+)/(.*)$ {\n      proxy_pass https://$1/$2;\n    }\n  }\n}\n', findings: [[4, 7]] },
    { name: 'host from header', config: 'http {\n  server {\n    location / {\n      proxy_pass http://$http_x_backend;\n    }\n  }\n}\n', findings: [[4, 7]] },
  ],
  silent: [
    { name: 'literal upstream', config: 'http {\n  server {\n    location / {\n      proxy_pass http://app$request_uri;\n    }\n  }\n}\n' },
    { name: 'host from map', config: 'http {\n  map $cookie_r $pool {\n    default a;\n  }\n  server {\n    location / {\n      proxy_pass http://$pool;\n    }\n  }\n}\n' },
  ],
};
