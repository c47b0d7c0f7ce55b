/** `full` writes a whole nginx.conf; `http` writes the contents of an http block, to be included from nginx.conf. */
export type Layout = 'full' | 'http';

export const layouts: readonly Layout[] = ['full', 'http'];
