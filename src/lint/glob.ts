import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** True when an include path has a wildcard that nginx expands with glob(3). */
export function hasGlobPattern(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * Expands an absolute glob pattern (`*`, `?`, `[…]` within one path segment)
 * to the matching files, sorted as glob(3) sorts them. Hidden entries match
 * only a segment pattern that starts with a dot, as in glob(3).
 */
export function expandGlob(pattern: string): string[] {
  const segments = pattern.split('/');
  let bases = [segments[0] === '' ? '/' : segments[0] ?? ''];

  for (let index = 1; index < segments.length; index++) {
    const segment = segments[index] ?? '';
    if (segment === '') continue;
    const last = index === segments.length - 1;
    const next: string[] = [];

    for (const base of bases) {
      if (!hasGlobPattern(segment)) {
        next.push(join(base, segment));
        continue;
      }
      const matcher = segmentMatcher(segment);
      let entries: string[];
      try {
        entries = readdirSync(base);
      } catch {
        continue;
      }
      for (const entry of entries.sort()) {
        if (entry.startsWith('.') && !segment.startsWith('.')) continue;
        if (matcher.test(entry)) next.push(join(base, entry));
      }
    }
    bases = last ? next : next.filter(isDirectory);
  }

  return bases.filter(isFile).sort();
}

function segmentMatcher(segment: string): RegExp {
  let source = '^';
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index] ?? '';
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = segment.indexOf(']', index + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let set = segment.slice(index + 1, close);
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      source += `[${set.replace(/\\/g, '\\\\')}]`;
      index = close;
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
