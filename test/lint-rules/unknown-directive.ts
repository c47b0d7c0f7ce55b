import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'misspelled directive', config: 'events {}\nhttp {\n    proxy_pas http://a;\n}\n', findings: [[3, 5]] },
    { name: 'Plus-only directive on oss', config: 'events {}\nhttp {\n  upstream u {\n    server 127.0.0.1;\n    queue 10;\n  }\n}\n', findings: [[5, 5]] },
    { name: 'directive newer than target', config: 'events {}\nhttp {\n  early_hints $http2;\n}\n', version: '1.26.3', findings: [[3, 3]] },
  ],
  silent: [
    { name: 'known directives', config: 'events {}\nhttp {\n  server {\n    listen 80;\n    location / { root /srv; }\n  }\n}\n' },
    { name: 'third-party lua directive', config: 'http {\n  lua_shared_dict d 1m;\n  server { location / { content_by_lua_block { ngx.say(1) } } }\n}\n' },
    { name: 'Plus-only directive on plus', config: 'http {\n  upstream u {\n    server 127.0.0.1;\n    queue 10;\n  }\n}\n', edition: 'plus' },
    { name: 'map entries are not directives', config: 'http {\n  map $uri $x {\n    default 0;\n    /foo 1;\n  }\n}\n' },
  ],
};
