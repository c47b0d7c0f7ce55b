import { describe, expect, it } from 'vitest';

import { findMainDirectives } from '../../../src/nginx/runner/main-directives.js';

describe('findMainDirectives', () => {
  it('lists main-context directives only', () => {
    const config = `user www-data;
worker_processes auto;
events { worker_connections 64; }
http {
    pid not-main;
    server { listen 80; }
}
`;

    const directives = findMainDirectives(config);

    expect([...directives.keys()]).toEqual(['user', 'worker_processes']);
    expect(directives.get('user')).toEqual(['www-data']);
  });

  it('skips comments and quoted text', () => {
    const config = `# pid commented.pid;
error_log "/var/log/a;b.log" "warn"; # daemon off;
daemon off;
`;

    const directives = findMainDirectives(config);

    expect(directives.has('pid')).toBe(false);
    expect(directives.get('error_log')).toEqual(['/var/log/a;b.log', 'warn']);
    expect(directives.get('daemon')).toEqual(['off']);
  });

  it('keeps the first occurrence', () => {
    expect(findMainDirectives('error_log a.log;\nerror_log b.log;\n').get('error_log')).toEqual(['a.log']);
  });

  it('treats # inside a word as text', () => {
    const directives = findMainDirectives('env A#B;\npid x.pid;\n');

    expect(directives.get('env')).toEqual(['A#B']);
    expect(directives.get('pid')).toEqual(['x.pid']);
  });

  it('survives unbalanced braces', () => {
    const directives = findMainDirectives('}\npid a.pid;\nhttp {\n');

    expect(directives.get('pid')).toEqual(['a.pid']);
    expect(directives.has('http')).toBe(false);
  });
});
