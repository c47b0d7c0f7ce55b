import { readFileSync } from 'node:fs';

/** The h2sticky version from package.json; generated configs name it in their header. */
export const toolVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
