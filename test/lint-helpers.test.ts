import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { hasListenParameter, listenParameters, serverParameter, urlHost, variablesIn } from '../src/lint/nginx-values.js';
import { parseConfigText } from '../src/lint/parser.js';
import { formatMessage } from '../src/lint/rule.js';
import { atLeast, parseTarget, versionNumber } from '../src/lint/target.js';
import { buildLintTree, childrenNamed, effectiveDirectives, firstChildNamed, hasChildNamed, lastEffectiveDirective, type LintNode } from '../src/lint/tree.js';

const target = parseTarget('1.26.3', 'oss');

/** Returns the parameters of a `server` line as a map, the last repeat winning, which serverParameter must agree with. */
function parameterMap(args: readonly string[]): Map<string, string | true> {
  const parameters = new Map<string, string | true>();
  for (const arg of args.slice(1)) {
    const equals = arg.indexOf('=');
    if (equals === -1) parameters.set(arg, true);
    else parameters.set(arg.slice(0, equals), arg.slice(equals + 1));
  }
  return parameters;
}

/** Returns the variable names that the pattern in variablesIn's documentation finds. */
function variablesByPattern(value: string): string[] {
  return [...value.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)].map((match) => match[1] ?? match[2] ?? '');
}

function serverNode(args: string[], name = 'server'): LintNode {
  return { name, args, quoted: undefined, file: 'nginx.conf', line: 1, column: 1, parent: undefined, children: undefined, context: 'upstream', check: undefined };
}

const parameterNames = ['weight', 'backup', 'down', 'max_fails', 'fail_timeout', 'resolve', 'drain', 'w'];

describe('serverParameter', () => {
  it('agrees with a map of all parameters', () => {
    const parameter = fc.oneof(
      fc.constantFrom(...parameterNames),
      fc.tuple(fc.constantFrom(...parameterNames), fc.constantFrom('', '1', '0', '10s', 'a=b')).map(([name, value]) => `${name}=${value}`),
      fc.constantFrom('weightx=1', 'wei=ght', '=1', 'backup2'),
    );
    fc.assert(
      fc.property(fc.array(parameter, { maxLength: 6 }), (parameters) => {
        const args = ['10.0.0.1:80', ...parameters];
        const expected = parameterMap(args);
        for (const name of parameterNames) expect(serverParameter(serverNode(args), name), `${name} in ${args.join(' ')}`).toBe(expected.get(name));
      }),
      { seed: 99, numRuns: 500 },
    );
  });

  it('ignores the address', () => {
    expect(serverParameter(serverNode(['backup', 'weight=2']), 'backup')).toBeUndefined();
    expect(serverParameter(serverNode(['backup', 'weight=2']), 'weight')).toBe('2');
  });
});

describe('formatMessage', () => {
  it.each([
    ['upstream "{{upstream}}" has {{count}} servers', { upstream: 'app', count: 3 }, 'upstream "app" has 3 servers'],
    ['{{a}}{{b}}', { a: 'x', b: 'y' }, 'xy'],
    ['${{variable}} is decoded', { variable: 'uri' }, '$uri is decoded'],
    ['keeps {{missing}} as written', {}, 'keeps {{missing}} as written'],
    ['no placeholders', { a: 1 }, 'no placeholders'],
    ['{{ spaced }} is not a placeholder', { spaced: 'x' }, '{{ spaced }} is not a placeholder'],
  ])('fills %j', (template, data, expected) => {
    expect(formatMessage(template, data)).toBe(expected);
    expect(formatMessage(template, data)).toBe(expected);
  });

  it('fills a template again with other data', () => {
    expect(formatMessage('{{name}} directive', { name: 'ssl' })).toBe('ssl directive');
    expect(formatMessage('{{name}} directive', { name: 'http2_push' })).toBe('http2_push directive');
  });
});

describe('hasListenParameter', () => {
  it('agrees with listenParameters', () => {
    const names = ['ssl', 'http2', 'quic', 'backlog', 'default_server'];
    const parameter = fc.oneof(fc.constantFrom(...names), fc.constantFrom('backlog=511', 'ssl=on', 'sslx', 'http=2', '=ssl'));
    fc.assert(
      fc.property(fc.array(parameter, { maxLength: 5 }), (parameters) => {
        const listen = serverNode(['443', ...parameters], 'listen');
        const expected = listenParameters(listen);
        for (const name of names) expect(hasListenParameter(listen, name), `${name} in ${parameters.join(' ')}`).toBe(expected.has(name));
      }),
      { seed: 17, numRuns: 300 },
    );
  });
});

describe('urlHost', () => {
  it.each([
    ['http://app', 'app'],
    ['http://app:8080/path', 'app'],
    ['https://[::1]:8443/', '[::1]'],
    ['http://$backend$request_uri', '$backend'],
    ['http://${backend}${uri}', '${backend}'],
    ['http://$host:$server_port$document_uri', '$host'],
    ['grpc://10.0.0.1:50051', '10.0.0.1'],
    ['unix:/tmp/app.sock', undefined],
  ])('reads the host of %s', (url, host) => {
    expect(urlHost(url)).toBe(host);
    expect(urlHost(url)).toBe(host);
  });
});

describe('versionNumber', () => {
  it('gives the same number when asked again', () => {
    expect(versionNumber('1.25.1')).toBe(1_025_001);
    expect(versionNumber('1.25.1')).toBe(1_025_001);
    expect(versionNumber('1.26')).toBe(1_026_000);
  });

  it('keeps an invalid version invalid when asked again', () => {
    expect(versionNumber('1.x')).toBeNaN();
    expect(versionNumber('1.x')).toBeNaN();
    expect(atLeast(parseTarget('1.30.6', 'oss'), '1.x')).toBe(false);
  });
});

describe('variablesIn', () => {
  it('agrees with its pattern', () => {
    const piece = fc.constantFrom('$', '{', '}', 'a', 'Z', '_', '1', '-', '/', ' ', 'host', 'uri', '$1', '${x}', '${', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const value = pieces.join('');
        expect(variablesIn(value), value).toEqual(variablesByPattern(value));
      }),
      { seed: 5, numRuns: 1000 },
    );
  });

  it('reads both variable forms', () => {
    expect(variablesIn('http://${backend}$request_uri/$1x$')).toEqual(['backend', 'request_uri', '1x']);
    expect(variablesIn('no variables')).toEqual([]);
  });
});

/** Returns a configuration whose http block is long enough to be indexed by name instead of scanned. */
function largeConfig(): string {
  const servers = Array.from({ length: 40 }, (_, index) => `  server { listen ${8000 + index}; location / { proxy_http_version 1.1; } }`).join('\n');
  return `proxy_http_version 1.0;\nhttp {\n  proxy_http_version 1.0;\n  proxy_http_version 2;\n${servers}\n  add_header X-A a;\n}\n`;
}

describe('tree lookups', () => {
  it.each([
    ['small blocks', 'http {\n  proxy_http_version 1.0;\n  proxy_http_version 2;\n  server { listen 80; listen 81; location / { return 204; } }\n}\n'],
    ['a large block', largeConfig()],
  ])('agree with childrenNamed and effectiveDirectives in %s', (_name, text) => {
    const tree = buildLintTree(parseConfigText(text, '/virtual/nginx.conf').payload, target);
    const names = ['proxy_http_version', 'listen', 'server', 'location', 'return', 'add_header', 'missing'];

    for (const node of tree.nodes) {
      for (const name of names) {
        const children = childrenNamed(node, name);
        expect(firstChildNamed(node, name), `${node.name} ${name}`).toBe(children[0]);
        expect(hasChildNamed(node, name), `${node.name} ${name}`).toBe(children.length > 0);
        expect(lastEffectiveDirective(node, name, tree), `${node.name} ${name}`).toBe(effectiveDirectives(node, name, tree).at(-1));
      }
    }
  });

  it('finds the last directive of the nearest level', () => {
    const tree = buildLintTree(parseConfigText(largeConfig(), '/virtual/nginx.conf').payload, target);
    const location = tree.byName.get('location')?.[0] as LintNode;
    const server = location.parent as LintNode;
    expect(lastEffectiveDirective(location, 'proxy_http_version', tree)?.args).toEqual(['1.1']);
    expect(lastEffectiveDirective(server, 'proxy_http_version', tree)?.args).toEqual(['2']);
    expect(lastEffectiveDirective(server, 'add_header', tree)?.args).toEqual(['X-A', 'a']);
  });

  it('falls back to the top level', () => {
    const tree = buildLintTree(parseConfigText('proxy_http_version 1.0;\nhttp { server { listen 80; } }\n', '/virtual/nginx.conf').payload, target);
    const server = tree.byName.get('server')?.[0] as LintNode;
    expect(lastEffectiveDirective(server, 'proxy_http_version', tree)?.line).toBe(1);
    expect(effectiveDirectives(server, 'proxy_http_version', tree).map((node) => node.line)).toEqual([1]);
    expect(lastEffectiveDirective(server, 'missing', tree)).toBeUndefined();
  });

  it('gives exact-size lists from scanned blocks', () => {
    const tree = buildLintTree(parseConfigText('http { server { listen 80; server_name a; listen 81; } }\n', '/virtual/nginx.conf').payload, target);
    const server = tree.byName.get('server')?.[0];
    expect(childrenNamed(server, 'listen').map((node) => node.args[0])).toEqual(['80', '81']);
    expect(childrenNamed(server, 'missing')).toEqual([]);
  });
});
