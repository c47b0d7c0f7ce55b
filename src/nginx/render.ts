import { readdirSync, readFileSync } from 'node:fs';

import Handlebars from 'handlebars';

import { packagePath } from '../paths.js';
import type { Plan } from '../plan/types.js';
import { buildView } from './view.js';

import type { Layout } from './layout.js';

export { layouts, type Layout } from './layout.js';

type Template = (context: unknown) => string;

let compiled: Record<Layout, Template> | undefined;

/** Compiles the templates once. HTML escaping is off: values are quoted for nginx by the view model. */
function templates(): Record<Layout, Template> {
  if (compiled) return compiled;
  const handlebars = Handlebars.create();
  const options = { noEscape: true, strict: true };

  const partialDirectory = packagePath('templates', 'partials');
  for (const file of readdirSync(partialDirectory).sort()) {
    if (!file.endsWith('.hbs')) continue;
    handlebars.registerPartial(file.slice(0, -'.hbs'.length), readFileSync(`${partialDirectory}/${file}`, 'utf8'));
  }

  const load = (file: string) => handlebars.compile(readFileSync(packagePath('templates', file), 'utf8'), options);
  compiled = { full: load('nginx.conf.hbs'), http: load('http.conf.hbs') };
  return compiled;
}

/** Renders a Plan as nginx configuration text. The same Plan always gives the same bytes. */
export function renderConfig(plan: Plan, layout: Layout): string {
  const text = templates()[layout](buildView(plan));
  return tidy(text);
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
