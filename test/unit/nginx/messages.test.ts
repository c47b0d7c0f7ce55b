import { describe, expect, it } from 'vitest';

import { parseNginxMessageLine, parseNginxMessages } from '../../../src/nginx/runner/messages.js';

const prefix = '/tmp/h2sticky-nginx-AbC123';

describe('parseNginxMessages', () => {
  it('reads nginx -t console output', () => {
    const output = [
      `nginx: [emerg] unknown directive "frobnicate" in ${prefix}/conf/nginx.conf:5`,
      `nginx: configuration file ${prefix}/conf/nginx.conf test failed`,
      '',
    ].join('\n');

    expect(parseNginxMessages(output)).toEqual([
      { level: 'emerg', text: 'unknown directive "frobnicate"', file: `${prefix}/conf/nginx.conf`, line: 5 },
    ]);
  });

  it('reads the error log form', () => {
    const output =
      '2026/12/04 20:41:19 [warn] 7#7: the "listen ... http2" directive is deprecated, use the "http2" directive instead in /etc/nginx/site.conf:12\n' +
      '2026/12/04 20:41:20 [error] 8#8: *3 connect() failed (111: Connection refused) while connecting to upstream\n';

    expect(parseNginxMessages(output)).toEqual([
      {
        level: 'warn',
        text: 'the "listen ... http2" directive is deprecated, use the "http2" directive instead',
        file: '/etc/nginx/site.conf',
        line: 12,
      },
      { level: 'error', text: 'connect() failed (111: Connection refused) while connecting to upstream' },
    ]);
  });

  it('maps prefix paths to caller names', () => {
    const pathNames = new Map([
      [`${prefix}/conf/nginx.conf`, 'build/nginx.conf'],
      [`${prefix}/conf/certs/server.pem`, 'certs/server.pem'],
    ]);
    const output = `nginx: [emerg] cannot load certificate "${prefix}/conf/certs/server.pem": PEM_read_bio_X509_AUX() failed in ${prefix}/conf/nginx.conf:9\n`;

    expect(parseNginxMessages(output, pathNames)).toEqual([
      {
        level: 'emerg',
        text: 'cannot load certificate "certs/server.pem": PEM_read_bio_X509_AUX() failed',
        file: 'build/nginx.conf',
        line: 9,
      },
    ]);
  });

  it('keeps messages without a location', () => {
    expect(parseNginxMessageLine('nginx: [emerg] invalid value "x" in "worker_processes" directive in command line')).toEqual({
      level: 'emerg',
      text: 'invalid value "x" in "worker_processes" directive in command line',
    });
    expect(parseNginxMessageLine('nginx: [alert] could not open error log file: open() "/var/log/nginx/error.log" failed (13: Permission denied)')).toEqual({
      level: 'alert',
      text: 'could not open error log file: open() "/var/log/nginx/error.log" failed (13: Permission denied)',
    });
  });

  it('ignores lines that are not messages', () => {
    const output = [
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
      'nginx: configuration file /etc/nginx/nginx.conf test is successful',
      'nginx: [shout] not a level',
      'WARNING: IPv4 forwarding is disabled. Networking will not work.',
    ].join('\n');

    expect(parseNginxMessages(output)).toEqual([]);
  });

  it('uses the last " in " for the location', () => {
    const line = 'nginx: [emerg] "proxy_pass" cannot have URI part in location given by regular expression in /a b/x.conf:7';

    expect(parseNginxMessageLine(line)).toEqual({
      level: 'emerg',
      text: '"proxy_pass" cannot have URI part in location given by regular expression',
      file: '/a b/x.conf',
      line: 7,
    });
  });
});
