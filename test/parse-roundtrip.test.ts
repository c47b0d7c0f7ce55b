import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { buildConfig } from '../src/lint/builder.js';
import { lintText } from '../src/lint/linter.js';
import { parseConfigFile, parseConfigText } from '../src/lint/parser.js';
import { parseTarget } from '../src/lint/target.js';
import { treeShape } from './parse-tree-shape.js';

const fixtureRoot = fileURLToPath(new URL('../fixtures/nginx/', import.meta.url));
const fixtures = readdirSync(fixtureRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('fixtures', () => {
  it('holds at least twenty configurations', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });
});

describe.each(fixtures)('round trip of %s', (name) => {
  it('parses cleanly', () => {
    const { payload } = parseConfigFile(`${fixtureRoot}${name}/nginx.conf`);
    expect(payload.errors).toEqual([]);
  });

  it('gives the same tree after build and parse, for every file', () => {
    for (const includeComments of [false, true]) {
      const { payload } = parseConfigFile(`${fixtureRoot}${name}/nginx.conf`, { includeComments });
      for (const file of payload.config) {
        const rebuilt = parseConfigText(buildConfig(file.parsed), file.file, { singleFile: true, includeComments });
        expect(rebuilt.payload.errors, file.file).toEqual([]);
        expect(treeShape(rebuilt.payload.config[0]?.parsed ?? []), file.file).toEqual(treeShape(file.parsed));
      }
    }
  });
});

/** Trailing comments in every place the parser attaches them: after a directive, after a `{`, after a `}`, and after two directives on one line. */
const trailingComments = [
  'events {} # events',
  'http { # http starts',
  '    upstream app { # h2sticky-disable-line backup-with-hash',
  '        hash $remote_addr;',
  '        server 10.0.0.1; server 10.0.0.2 backup; # h2sticky-disable-line backup-with-hash',
  '        # a comment on its own line',
  '        server 10.0.0.3   backup;   # h2sticky-disable-line backup-with-hash -- a reason',
  '        server 10.0.0.4',
  '            backup; # after a directive that spans two lines',
  '    } # end of upstream',
  '}',
  '',
].join('\n');

describe('trailing comments', () => {
  const source = parseConfigText(trailingComments, '/virtual/nginx.conf', { includeComments: true });
  const formatted = buildConfig(source.payload.config[0]?.parsed ?? []);

  it('stay on the line of their directive', () => {
    const lines = formatted.split('\n');
    expect(lines).toContain('} # events');
    expect(lines).toContain('    } # end of upstream');
    expect(lines).toContain('http { # http starts');
    expect(lines).toContain('    upstream app { # h2sticky-disable-line backup-with-hash');
    expect(lines).toContain('        server 10.0.0.2 backup; # h2sticky-disable-line backup-with-hash');
    expect(lines).toContain('        server 10.0.0.3 backup; # h2sticky-disable-line backup-with-hash -- a reason');
    expect(lines).toContain('        # a comment on its own line');
  });

  it('give the same tree after parse, build and parse', () => {
    const rebuilt = parseConfigText(formatted, '/virtual/nginx.conf', { includeComments: true });
    expect(rebuilt.payload.errors).toEqual([]);
    expect(treeShape(rebuilt.payload.config[0]?.parsed ?? [])).toEqual(treeShape(source.payload.config[0]?.parsed ?? []));
    expect(buildConfig(rebuilt.payload.config[0]?.parsed ?? [])).toBe(formatted);
  });

  it('keep suppressing after formatting', () => {
    const target = parseTarget('1.30.6', 'oss');
    const before = lintText(trailingComments, { target }, '/virtual/nginx.conf');
    const after = lintText(formatted, { target }, '/virtual/nginx.conf');
    const lineOf = (text: string, line: number | undefined) => text.split('\n')[(line ?? 0) - 1]?.trim();
    // The server on two lines is not suppressed, because its comment is on its second line.
    expect(before.findings.map((finding) => [finding.code, lineOf(trailingComments, finding.line)])).toEqual([['backup-with-hash', 'server 10.0.0.4']]);
    expect(after.findings.map((finding) => [finding.code, lineOf(formatted, finding.line)])).toEqual([['backup-with-hash', 'server 10.0.0.4 backup;']]);
    expect(after.suppressed).toBe(2);
    expect(after.suppressed).toBe(before.suppressed);
  });
});

/** A one-line block with a suppression after its `}`, which formatting spreads over several lines. */
const oneLineBlock = 'http {\n    upstream u { ip_hash; server 10.0.0.1; server 10.0.0.2; } # h2sticky-disable-line ip-hash-behind-proxy\n}\n';

describe('comment after a one-line block', () => {
  const source = parseConfigText(oneLineBlock, '/virtual/nginx.conf', { includeComments: true });
  const formatted = buildConfig(source.payload.config[0]?.parsed ?? []);
  const target = parseTarget('1.30.6', 'oss');

  it('stays after the closing brace', () => {
    const lines = formatted.split('\n');
    expect(lines).toContain('    } # h2sticky-disable-line ip-hash-behind-proxy');
    expect(lines).toContain('        server 10.0.0.2;');
  });

  it('keeps suppressing the block after formatting', () => {
    const unsuppressed = lintText(oneLineBlock.replace(/ # .*/, ''), { target }, '/virtual/nginx.conf');
    expect(unsuppressed.findings.map((finding) => finding.code)).toEqual(['ip-hash-behind-proxy']);
    const before = lintText(oneLineBlock, { target }, '/virtual/nginx.conf');
    const after = lintText(formatted, { target }, '/virtual/nginx.conf');
    expect(before.findings).toEqual([]);
    expect(after.findings).toEqual([]);
    expect(after.suppressed).toBe(1);
  });

  it('formats the same way twice', () => {
    const again = parseConfigText(formatted, '/virtual/nginx.conf', { includeComments: true });
    expect(buildConfig(again.payload.config[0]?.parsed ?? [])).toBe(formatted);
  });
});
