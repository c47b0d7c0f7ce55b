/**
 * A copy of the package's templates with the upstream template broken on
 * purpose: it leaves out the last server line of every upstream block. Tests
 * use it to show that the diff harness catches a wrong renderer.
 */

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadTemplates, renderConfig } from '../../src/nginx/render.js';
import { packagePath } from '../../src/paths.js';
import type { Plan } from '../../src/plan/types.js';

export interface BrokenRenderer {
  render(plan: Plan): string;
  remove(): void;
}

export function createBrokenRenderer(): BrokenRenderer {
  const directory = mkdtempSync(join(tmpdir(), 'h2sticky-broken-templates-'));
  cpSync(packagePath('templates'), directory, { recursive: true });

  const upstream = join(directory, 'partials', 'upstream.hbs');
  const original = readFileSync(upstream, 'utf8');
  const serverLoop = '{{#each servers}}\n    server {{this}}\n{{/each}}';
  if (!original.includes(serverLoop)) throw new Error(`templates/partials/upstream.hbs no longer contains the server loop this helper breaks:\n${serverLoop}`);
  writeFileSync(upstream, original.replace(serverLoop, '{{#each servers}}\n{{#unless @last}}\n    server {{this}}\n{{/unless}}\n{{/each}}'));

  const templates = loadTemplates(directory);
  return {
    render: (plan) => renderConfig(plan, 'full', templates),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
