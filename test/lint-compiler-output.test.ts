import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { compileSpecText } from '../src/compile.js';
import { buildConfig } from '../src/lint/builder.js';
import { lintText, severityAtLeast } from '../src/lint/linter.js';
import { parseConfigText } from '../src/lint/parser.js';
import { parseTarget } from '../src/lint/target.js';
import { treeShape } from './parse-tree-shape.js';

/**
 * Every configuration the compiler emits must lint clean for the version it
 * was built for (no finding at warning or above, the CLI's default failure
 * threshold) and must survive parse, build, parse unchanged. The versions
 * are the thresholds where generated syntax or nginx defaults change.
 */
const specs = readdirSync('fixtures/specs').filter((file) => file.endsWith('.yaml')).sort();
const versions = ['1.22.1', '1.24.0', '1.25.1', '1.26.3', '1.27.3', '1.28.0', '1.29.3', '1.29.4', '1.29.6', '1.29.7', '1.30.6', '1.31.0', '1.31.4'];
const editions = ['oss', 'plus'] as const;
const layouts = ['full', 'http'] as const;

const combinations = specs.flatMap((spec) => versions.flatMap((version) => editions.flatMap((edition) => layouts.map((layout) => ({ spec, version, edition, layout })))));

describe('compiler output', () => {
  it('compiles for most combinations', () => {
    const compiled = combinations.filter(({ spec, version, edition, layout }) => compile(spec, version, edition, layout) !== undefined);
    // Some specs need features that older versions lack; the compiler rejects those combinations.
    expect(compiled.length).toBeGreaterThan(combinations.length / 2);
  });

  it.each(combinations.map((combination) => [`${combination.spec} ${combination.version} ${combination.edition} ${combination.layout}`, combination] as const))('%s lints clean and round-trips', (_name, { spec, version, edition, layout }) => {
    const config = compile(spec, version, edition, layout);
    if (config === undefined) return;

    const target = parseTarget(version, edition);
    const result = lintText(config, { target }, `/generated/${spec}.conf`);
    expect(result.payload.errors).toEqual([]);
    const serious = result.findings.filter((finding) => severityAtLeast(finding.severity, 'warning'));
    expect(serious.map((finding) => `${finding.line}: ${finding.code}: ${finding.message}`)).toEqual([]);

    const parsed = result.payload.config[0]?.parsed ?? [];
    const rebuilt = parseConfigText(buildConfig(parsed), '/generated/rebuilt.conf', { singleFile: true });
    expect(rebuilt.payload.errors).toEqual([]);
    expect(treeShape(rebuilt.payload.config[0]?.parsed ?? [])).toEqual(treeShape(parsed));
  });
});

const compiled = new Map<string, string | undefined>();

/** Compiles a fixture spec; an http-layout result is wrapped in the main and http blocks it is meant for. */
function compile(spec: string, version: string, edition: 'oss' | 'plus', layout: 'full' | 'http'): string | undefined {
  const key = `${spec} ${version} ${edition} ${layout}`;
  if (compiled.has(key)) return compiled.get(key);
  const result = compileSpecText(readFileSync(`fixtures/specs/${spec}`, 'utf8'), spec, { target: { nginxVersion: version, edition }, layout });
  let config = result.config;
  if (config !== undefined && layout === 'http') config = `events {}\nhttp {\n${config}}\n`;
  compiled.set(key, config);
  return config;
}
