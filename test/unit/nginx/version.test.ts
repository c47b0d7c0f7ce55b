import { describe, expect, it } from 'vitest';

import {
  compareVersions,
  formatVersionRange,
  isNginxVersion,
  parseNginxVersionLine,
  versionInRange,
} from '../../../src/nginx/runner/version.js';

describe('parseNginxVersionLine', () => {
  it('reads open-source nginx', () => {
    expect(parseNginxVersionLine('nginx version: nginx/1.22.1\n')).toEqual({
      product: 'nginx',
      version: '1.22.1',
      edition: 'oss',
    });
  });

  it('reads NGINX Plus release', () => {
    expect(parseNginxVersionLine('nginx version: nginx/1.25.3 (nginx-plus-r31)')).toEqual({
      product: 'nginx',
      version: '1.25.3',
      edition: 'plus',
      detail: 'nginx-plus-r31',
    });
  });

  it('reads forks by product name', () => {
    expect(parseNginxVersionLine('nginx version: freenginx/1.27.4')?.product).toBe('freenginx');
    expect(parseNginxVersionLine('nginx version: openresty/1.21.4.3')?.version).toBe('1.21.4');
  });

  it('finds the line after other output', () => {
    const output = 'WARNING: IPv4 forwarding is disabled.\nnginx version: nginx/1.30.6\nbuilt by gcc 16.2.0\n';

    expect(parseNginxVersionLine(output)?.version).toBe('1.30.6');
  });

  it('rejects text without a version line', () => {
    expect(parseNginxVersionLine('')).toBeUndefined();
    expect(parseNginxVersionLine('nginx: invalid option: "-x"')).toBeUndefined();
    expect(parseNginxVersionLine('nginx version: nginx/1.30')).toBeUndefined();
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.22.1', '1.22.1', 0],
    ['1.22.1', '1.26.3', -1],
    ['1.30.6', '1.29.6', 1],
    ['1.9.15', '1.10.0', -1],
    ['1.29.10', '1.29.9', 1],
    ['2.0.0', '1.99.99', 1],
  ])('%s vs %s', (left, right, sign) => {
    expect(Math.sign(compareVersions(left, right))).toBe(sign);
  });

  it('raises on malformed versions', () => {
    expect(() => compareVersions('1.2', '1.2.0')).toThrow(RangeError);
    expect(() => compareVersions('1.2.3', 'latest')).toThrow('invalid nginx version "latest"');
  });
});

describe('versionInRange', () => {
  const between = { min: '1.25.1', below: '1.29.6' };

  it.each([
    ['1.25.0', false],
    ['1.25.1', true],
    ['1.26.3', true],
    ['1.29.5', true],
    ['1.29.6', false],
  ])('%s in [1.25.1, 1.29.6)', (version, inside) => {
    expect(versionInRange(version, between)).toBe(inside);
  });

  it('treats missing bounds as open', () => {
    expect(versionInRange('0.1.0', { below: '1.25.1' })).toBe(true);
    expect(versionInRange('99.0.0', { min: '1.29.6' })).toBe(true);
    expect(versionInRange('1.0.0', {})).toBe(true);
  });
});

describe('formatVersionRange', () => {
  it('formats each shape', () => {
    expect(formatVersionRange({ min: '1.29.6' })).toBe('>= 1.29.6');
    expect(formatVersionRange({ below: '1.25.1' })).toBe('< 1.25.1');
    expect(formatVersionRange({ min: '1.25.1', below: '1.29.6' })).toBe('[1.25.1, 1.29.6)');
    expect(formatVersionRange({})).toBe('any version');
  });
});

describe('isNginxVersion', () => {
  it('accepts three numeric parts only', () => {
    expect(isNginxVersion('1.30.6')).toBe(true);
    expect(isNginxVersion('debian-sid')).toBe(false);
    expect(isNginxVersion('1.30')).toBe(false);
    expect(isNginxVersion('1.30.6-1')).toBe(false);
  });
});
