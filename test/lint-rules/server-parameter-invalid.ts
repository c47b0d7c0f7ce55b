import type { RuleCases } from './cases.js';

function upstream(server: string): string {
  return `http {\n  upstream u {\n    ${server}\n  }\n}\n`;
}

export const cases: RuleCases = {
  fire: [
    { name: 'weight not a number', config: upstream('server 127.0.0.1:8080 weight=abc;'), version: '1.22.1', findings: [[3, 5]] },
    { name: 'weight zero', config: upstream('server 127.0.0.1:8080 weight=0;'), findings: [[3, 5]] },
    { name: 'unknown parameter', config: upstream('server 127.0.0.1:8080 bogus=1;'), findings: [[3, 5]] },
    { name: 'fail_timeout in ms', config: upstream('server 127.0.0.1:8080 fail_timeout=500ms;'), findings: [[3, 5]] },
    { name: 'flag with a value', config: upstream('server 127.0.0.1:8080 backup=1;'), findings: [[3, 5]] },
    { name: 'first bad parameter only', config: upstream('server 127.0.0.1:8080 weight=x max_fails=y;'), findings: [[3, 5]] },
    { name: 'missing semicolon', config: upstream('server 127.0.0.1:8080\n    server 127.0.0.1:8081;'), version: '1.22.1', findings: [[4, 5]] },
    { name: 'service on 1.26', config: upstream('server app.local service=http resolve;'), version: '1.26.3', findings: [[3, 5]] },
    { name: 'slow_start on open source', config: upstream('server 127.0.0.1:8080 slow_start=30s;'), version: '1.30.6', findings: [[3, 5]] },
    { name: 'empty route', config: upstream('server 127.0.0.1:8080 route=;'), version: '1.30.6', findings: [[3, 5]] },
    { name: 'drain in a stream upstream', config: 'stream {\n  upstream u {\n    server 127.0.0.1:8080 drain;\n  }\n}\n', version: '1.30.6', findings: [[3, 5]] },
    { name: 'stream weight not a number', config: 'stream {\n  upstream u {\n    server 127.0.0.1:8080 weight=two;\n  }\n}\n', findings: [[3, 5]] },
  ],
  silent: [
    { name: 'every classic parameter', config: upstream('server 127.0.0.1:8080 weight=3 max_conns=0 max_fails=0 fail_timeout=1m30s backup;'), version: '1.22.1' },
    { name: 'down', config: upstream('server 127.0.0.1:8080 down;') },
    { name: 'route and drain on 1.30', config: upstream('server 127.0.0.1:8080 route=a drain;'), version: '1.30.6' },
    { name: 'route on 1.22 is another rule', config: upstream('server 127.0.0.1:8080 route=a;'), version: '1.22.1' },
    { name: 'slow_start on Plus', config: upstream('server 127.0.0.1:8080 slow_start=30s;'), edition: 'plus' },
    { name: 'stream parameters', config: 'stream {\n  upstream u {\n    server 127.0.0.1:8080 weight=2 max_fails=3 fail_timeout=10s;\n  }\n}\n' },
  ],
};
