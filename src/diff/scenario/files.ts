/** Finds and loads scenario files given as files or directories. */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { Problem } from '../../problems.js';
import { loadScenarioFile } from './load.js';
import type { Scenario } from './types.js';

const scenarioExtensions = ['.yaml', '.yml', '.json'];

/**
 * Loads every scenario; a directory stands for the scenario files directly
 * inside it, in name order. `partial` contains the scenarios with problems, built
 * from their valid parts, to be checked against their specs but never run.
 */
export async function loadScenarioPaths(paths: readonly string[]): Promise<{ scenarios: Scenario[]; partial: Scenario[]; problems: Problem[] }> {
  const scenarios: Scenario[] = [];
  const partial: Scenario[] = [];
  const problems: Problem[] = [];
  for (const path of paths) {
    for (const file of await expand(path)) {
      const loaded = await loadScenarioFile(file);
      if (loaded.scenario) scenarios.push(loaded.scenario);
      if (loaded.partial) partial.push(loaded.partial);
      problems.push(...loaded.problems);
    }
  }
  return { scenarios, partial, problems };
}

async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && scenarioExtensions.some((extension) => entry.name.endsWith(extension)))
    .map((entry) => join(path, entry.name))
    .sort();
}
