import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseNginxBuildInfo, splitConfigureArguments } from '../../../src/nginx/runner/build-info.js';

// `nginx -V` as printed by Debian's packages in images built by scripts/nginx-images.sh.
function recorded(suite: string): string {
  return readFileSync(new URL(`../../../fixtures/nginx-build-info/debian-${suite}.txt`, import.meta.url), 'utf8');
}

describe('parseNginxBuildInfo', () => {
  it('reads Debian bookworm nginx', () => {
    const info = parseNginxBuildInfo(recorded('bookworm'));

    expect(info?.version).toBe('1.22.1');
    expect(info?.edition).toBe('oss');
    expect(info?.builtWith).toMatch(/^OpenSSL 3\./);
    expect(info?.configureArguments).toContain('--with-http_v2_module');
    expect(info?.configureArguments).toContain('--prefix=/usr/share/nginx');
    expect(info?.modules).toEqual({ httpV2: true, httpV3: false, stream: 'dynamic', sticky: false });
  });

  it('reads Debian trixie nginx', () => {
    const info = parseNginxBuildInfo(recorded('trixie'));

    expect(info?.version).toBe('1.26.3');
    expect(info?.modules).toEqual({ httpV2: true, httpV3: true, stream: 'dynamic', sticky: false });
  });

  it('reads Debian sid nginx', () => {
    const info = parseNginxBuildInfo(recorded('sid'));

    expect(info?.version).toBe('1.30.6');
    expect(info?.modules).toEqual({ httpV2: true, httpV3: true, stream: 'dynamic', sticky: true });
  });

  it('keeps quoted compiler options whole', () => {
    const info = parseNginxBuildInfo(recorded('bookworm'));
    const compilerOptions = info?.configureArguments.find((argument) => argument.startsWith('--with-cc-opt='));

    expect(compilerOptions).toMatch(/^--with-cc-opt=-g -O2 .*-D_FORTIFY_SOURCE=2$/);
  });

  it('sees sticky left out by configure', () => {
    const withoutOld = 'nginx version: nginx/1.30.0\nconfigure arguments: --without-http_upstream_sticky\n';
    const withoutNew = 'nginx version: nginx/1.31.2\nconfigure arguments: --without-http_upstream_sticky_module\n';
    const defaults = 'nginx version: nginx/1.31.2\nconfigure arguments: --with-stream\n';

    expect(parseNginxBuildInfo(withoutOld)?.modules.sticky).toBe(false);
    expect(parseNginxBuildInfo(withoutNew)?.modules.sticky).toBe(false);
    expect(parseNginxBuildInfo(defaults)?.modules.sticky).toBe(true);
    expect(parseNginxBuildInfo(defaults)?.modules.stream).toBe('static');
  });

  it('gives NGINX Plus sticky at any version', () => {
    const plus = 'nginx version: nginx/1.25.3 (nginx-plus-r31)\nconfigure arguments: --with-http_v3_module\n';

    expect(parseNginxBuildInfo(plus)?.modules.sticky).toBe(true);
    expect(parseNginxBuildInfo(plus)?.modules.httpV3).toBe(true);
  });

  it('handles a build without configure arguments', () => {
    const info = parseNginxBuildInfo('nginx version: nginx/1.24.0\nbuilt by gcc 12.2.0\n');

    expect(info?.configureArguments).toEqual([]);
    expect(info?.modules).toEqual({ httpV2: false, httpV3: false, stream: 'absent', sticky: false });
    expect(info?.builtWith).toBeUndefined();
  });

  it('returns undefined without a version line', () => {
    expect(parseNginxBuildInfo('nginx: [emerg] unknown option')).toBeUndefined();
  });
});

describe('splitConfigureArguments', () => {
  it.each([
    ['', []],
    ['  --a  --b ', ['--a', '--b']],
    ["--with-cc-opt='-g -O2'", ['--with-cc-opt=-g -O2']],
    ['--x="a \\"b\\" c"', ['--x=a "b" c']],
    ['--y=a\\ b --z', ['--y=a b', '--z']],
    ["--empty='' --next", ['--empty=', '--next']],
    ["'--whole word'", ['--whole word']],
  ])('splits %j', (text, words) => {
    expect(splitConfigureArguments(text)).toEqual(words);
  });
});
