import type { RuleCases } from './cases.js';

const upstream = (sticky: string): string => `  upstream shop {\n    server 10.0.0.1;\n    ${sticky}\n  }\n`;
const tlsServer = '  server {\n    listen 443 ssl;\n    location / { proxy_pass http://shop; }\n  }\n';
const plainServer = '  server {\n    listen 80;\n    location / { proxy_pass http://shop; }\n  }\n';

export const cases: RuleCases = {
  fire: [{ name: 'TLS-only server', config: `http {\n${upstream('sticky cookie srv httponly;')}${tlsServer}}\n`, findings: [[4, 5]] }],
  silent: [
    { name: 'secure cookie', config: `http {\n${upstream('sticky cookie srv httponly secure;')}${tlsServer}}\n` },
    { name: 'plain server too', config: `http {\n${upstream('sticky cookie srv;')}${tlsServer}${plainServer}}\n` },
    { name: 'route mode', config: `http {\n${upstream('sticky route $route_cookie;')}${tlsServer}}\n` },
  ],
};
