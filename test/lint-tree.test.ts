import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lintParsed } from '../src/lint/linter.js';
import { parseConfigFile, parseConfigText } from '../src/lint/parser.js';
import { serializePayload } from '../src/lint/syntax.js';
import { parseTarget } from '../src/lint/target.js';
import { buildLintTree } from '../src/lint/tree.js';

let directory: string;
let main: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'h2sticky-lint-tree-'));
  mkdirSync(join(directory, 'common'));
  main = join(directory, 'nginx.conf');
  writeFileSync(main, 'http {\n  server {\n    listen 80;\n    include common/headers.conf;\n  }\n  server {\n    listen 81;\n    include common/headers.conf;\n  }\n}\n');
  writeFileSync(join(directory, 'common/headers.conf'), 'location / {\n  proxy_set_header Host $http_host;\n}\n');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const target = parseTarget('1.30.6', 'oss');

describe('lint tree', () => {
  it('gives a file included twice a node in each place', () => {
    const tree = buildLintTree(parseConfigFile(main).payload, target);
    const locations = tree.byName.get('location') ?? [];
    expect(locations).toHaveLength(2);
    expect(locations[0]).not.toBe(locations[1]);
    expect(locations.map((location) => location.parent?.children?.[0]?.args[0])).toEqual(['80', '81']);
    expect(locations.map((location) => location.file)).toEqual([join(directory, 'common/headers.conf'), join(directory, 'common/headers.conf')]);
  });

  it('merges identical included copies', () => {
    const result = lintParsed(parseConfigFile(main), { target });
    expect(result.findings.map((finding) => `${finding.code}@${finding.line}`)).toEqual(['host-from-http-host@2']);
    expect(result.findings[0]?.includeCount).toBe(2);
  });

  it('lints the same parse result twice alike', () => {
    const parsed = parseConfigFile(main);
    const first = lintParsed(parsed, { target }).findings;
    const second = lintParsed(parsed, { target: parseTarget('1.22.1', 'oss') }).findings;
    expect(second).toEqual(first);
  });

  it('keeps lint fields out of the JSON payload', () => {
    const parsed = parseConfigFile(main);
    lintParsed(parsed, { target });
    const json = JSON.parse(serializePayload(parsed.payload)) as { config: { parsed: Record<string, unknown>[] }[] };
    expect(Object.keys(json.config[0]?.parsed[0] ?? {}).sort()).toEqual(['args', 'block', 'column', 'directive', 'line']);
    expect(Object.keys(json.config[0] ?? {}).sort()).toEqual(['errors', 'file', 'parsed', 'status']);
  });

  it('reuses a parsed block as children', () => {
    const { payload } = parseConfigText('events {}\nhttp {\n  server { listen 80; location / { return 204; } }\n}\n', '/virtual/nginx.conf');
    const tree = buildLintTree(payload, target);
    const http = payload.config[0]?.parsed[1];
    const server = http?.block?.[0];
    expect(tree.roots).toBe(payload.config[0]?.parsed);
    expect(tree.byName.get('http')?.[0]?.children).toBe(http?.block);
    expect(tree.byName.get('server')?.[0]?.children).toBe(server?.block);
    expect(tree.byName.get('location')?.[0]?.children?.map((node) => node.name)).toEqual(['return']);
  });

  it('gives expanded blocks new children', () => {
    const parsed = parseConfigFile(main, { includeComments: true });
    const tree = buildLintTree(parsed.payload, target);
    const servers = tree.byName.get('server') ?? [];
    const blocks = parsed.payload.config[0]?.parsed[0]?.block ?? [];
    expect(servers.map((server) => server.children?.map((node) => node.name))).toEqual([
      ['listen', 'location'],
      ['listen', 'location'],
    ]);
    expect(servers[0]?.children).not.toBe(blocks[0]?.block);
    expect(servers[1]?.children).not.toBe(blocks[1]?.block);
  });

  it('skips comments in children', () => {
    const { payload } = parseConfigText('http {\n  # note\n  server { listen 80; }\n}\n', '/virtual/nginx.conf', { includeComments: true });
    const tree = buildLintTree(payload, target);
    const http = tree.byName.get('http')?.[0];
    expect(http?.children?.map((node) => node.name)).toEqual(['server']);
    expect(payload.config[0]?.parsed[0]?.block?.map((directive) => directive.directive)).toEqual(['#', 'server']);
  });
});
