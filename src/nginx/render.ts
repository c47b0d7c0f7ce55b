import { readdirSync, readFileSync } from 'node:fs';

import Handlebars from 'handlebars';

import { packagePath } from '../paths.js';
import type { Plan } from '../plan/types.js';
import { buildView } from './view.js';

import type { Layout } from './layout.js';

export { layouts, type Layout } from './layout.js';

type Template = (context: unknown) => string;

/** The compiled templates of one template directory. */
export type TemplateSet = Record<Layout, Template>;

let compiled: TemplateSet | undefined;

/**
 * Compiles the templates in a directory laid out like templates/ (the
 * package's own by default). HTML escaping is off: values are quoted for
 * nginx by the view model.
 */
export function loadTemplates(directory: string = packagePath('templates')): TemplateSet {
  const handlebars = Handlebars.create();
  const options = { noEscape: true, strict: true };

  const partialDirectory = `${directory}/partials`;
  for (const file of readdirSync(partialDirectory).sort()) {
    if (!file.endsWith('.hbs')) continue;
    handlebars.registerPartial(file.slice(0, -'.hbs'.length), readFileSync(`${partialDirectory}/${file}`, 'utf8'));
  }

  const load = (file: string) => handlebars.compile(readFileSync(`${directory}/${file}`, 'utf8'), options);
  return { full: load('nginx.conf.hbs'), http: load('http.conf.hbs') };
}

/** Renders a Plan as nginx configuration text, with the package's templates unless others are given. The same Plan always gives the same bytes. */
export function renderConfig(plan: Plan, layout: Layout, templates?: TemplateSet): string {
  const set = templates ?? (compiled ??= loadTemplates());
  return tidy(set[layout](buildView(plan)));
}

/**
 * Removes what template indentation leaves behind: trailing spaces, runs of
 * blank lines, and blank lines right after an opening brace or before a
 * closing one.
 */
function tidy(text: string): string {
  const lines = text.split('\n').map((line) => line.replace(/[ \t]+$/, ''));
  const result: string[] = [];
  for (const line of lines) {
    const previous = result[result.length - 1];
    if (line === '' && (previous === undefined || previous === '' || previous.endsWith('{'))) continue;
    if (line.trim() === '}' && previous === '') result.pop();
    result.push(line);
  }
  while (result[result.length - 1] === '') result.pop();
  return `${result.join('\n')}\n`;
}
