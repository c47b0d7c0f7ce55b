import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { compileSpecText } from '../../src/compile.js';

/**
 * Golden outputs: every example spec for every nginx version the images and
 * Debian ship, in both editions. A template change shows up as a diff of
 * these files; "npx vitest run -u test/unit/golden.test.ts" rewrites them.
 */
const specs = readdirSync('fixtures/specs').filter((file) => file.endsWith('.yaml')).sort();
const versions = ['1.22.1', '1.26.3', '1.30.6'];
const editions = ['oss', 'plus'] as const;

describe('golden configs', () => {
  for (const spec of specs) {
    const text = readFileSync(`fixtures/specs/${spec}`, 'utf8');
    for (const version of versions) {
      for (const edition of editions) {
        const name = spec.replace(/\.yaml$/, '');
        it(`${name} for ${version} ${edition}`, async () => {
          const result = compileSpecText(text, spec, { target: { nginxVersion: version, edition } });
          const errors = result.problems.filter((problem) => problem.severity === 'error');
          const output = result.config ?? `# ${spec} is invalid for nginx ${version} (${edition}):\n${errors.map((error) => `# ${error.code} ${error.pointer}: ${error.message}`).join('\n')}\n`;
          await expect(output).toMatchFileSnapshot(`../../fixtures/golden/${name}/${version}-${edition}.conf`);
        });
      }
    }
  }
});
