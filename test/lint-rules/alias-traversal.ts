import type { RuleCases } from './cases.js';

export const cases: RuleCases = {
  fire: [
    { name: 'prefix without slash', config: 'http {\n  server {\n    location /images {\n      alias /data/images/;\n    }\n  }\n}\n', findings: [[4, 7]] },
    { name: 'caret tilde prefix', config: 'http {\n  server {\n    location ^~ /static {\n      alias /srv/static/;\n    }\n  }\n}\n', findings: [[4, 7]] },
  ],
  silent: [
    { name: 'both with slash', config: 'http {\n  server {\n    location /images/ {\n      alias /data/images/;\n    }\n  }\n}\n' },
    { name: 'neither with slash', config: 'http {\n  server {\n    location /images {\n      alias /data/images;\n    }\n  }\n}\n' },
    { name: 'regex location', config: 'http {\n  server {\n    location ~ ^/i/(.*)$ {\n      alias /data/w3/$1;\n    }\n  }\n}\n' },
  ],
};
