import { fileURLToPath } from 'node:url';

/**
 * The package root, found from this module's location: src/ when tests run
 * the TypeScript sources, dist/ when the compiled CLI runs. Both sit one level
 * below the root that holds templates/ and schemas/.
 */
export const packageRoot: string = fileURLToPath(new URL('../', import.meta.url));

export function packagePath(...segments: string[]): string {
  return [packageRoot.replace(/\/$/, ''), ...segments].join('/');
}
