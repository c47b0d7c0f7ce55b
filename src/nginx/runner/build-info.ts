/**
 * Parses `nginx -V`: the version line, the library line and the configure
 * arguments, and derives which modules the binary was built with.
 */

import { compareVersions, parseNginxVersionLine, type NginxVersion, type NginxVersionLine } from './version.js';

/** Linkage of a module in a build. */
export type ModuleLinkage = 'static' | 'dynamic' | 'absent';

export interface NginxBuildInfo extends NginxVersionLine {
  /** The library named by `built with …`, such as `OpenSSL 3.0.20 7 Apr 2026`. */
  builtWith?: string;
  /** The configure arguments, split as the shell would split them. */
  configureArguments: string[];
  modules: {
    /** HTTP/2 (`--with-http_v2_module`). */
    httpV2: boolean;
    /** HTTP/3 and QUIC (`--with-http_v3_module`, nginx 1.25.0 and later). */
    httpV3: boolean;
    /** The stream module; `dynamic` needs a `load_module` line before it can be used. */
    stream: ModuleLinkage;
    /** Upstream `sticky` (cookie, route, learn). */
    sticky: boolean;
  };
}

/** First open-source nginx release with the upstream sticky module, which configure builds by default. */
export const nativeStickyVersion: NginxVersion = '1.29.6';

// nginx 1.29.6 added the configure switch that leaves sticky out; 1.31.0
// renamed it with a `_module` suffix and kept the old name as a deprecated alias.
const stickyDisableOptions = ['--without-http_upstream_sticky', '--without-http_upstream_sticky_module'];

/** Parses the output of `nginx -V`; undefined when it has no version line. */
export function parseNginxBuildInfo(output: string): NginxBuildInfo | undefined {
  const versionLine = parseNginxVersionLine(output);
  if (versionLine === undefined) return undefined;

  const builtWith = /^built with (.+?)(?: \(running with .*\))?$/m.exec(output)?.[1];
  const argumentsText = /^configure arguments:(.*)$/m.exec(output)?.[1] ?? '';
  const configureArguments = splitConfigureArguments(argumentsText);

  const info: NginxBuildInfo = {
    ...versionLine,
    configureArguments,
    modules: {
      httpV2: configureArguments.includes('--with-http_v2_module'),
      httpV3: configureArguments.includes('--with-http_v3_module'),
      stream: streamLinkage(configureArguments),
      sticky: hasSticky(versionLine, configureArguments),
    },
  };
  if (builtWith !== undefined) info.builtWith = builtWith;
  return info;
}

/**
 * Splits the configure arguments line as a POSIX shell would: whitespace
 * separates words, single quotes keep everything, double quotes keep all but
 * backslash escapes, and a backslash outside quotes escapes the next character.
 */
export function splitConfigureArguments(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;

  for (let index = 0; index < text.length; index += 1) {
    const character = text[index] as string;

    if (quote === "'") {
      if (character === "'") quote = undefined;
      else word += character;
      continue;
    }
    if (quote === '"') {
      if (character === '"') quote = undefined;
      else if (character === '\\' && index + 1 < text.length) word += text[++index];
      else word += character;
      continue;
    }

    if (/\s/.test(character)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }

    inWord = true;
    if (character === "'" || character === '"') quote = character;
    else if (character === '\\' && index + 1 < text.length) word += text[++index];
    else word += character;
  }

  if (inWord) words.push(word);
  return words;
}

function streamLinkage(configureArguments: readonly string[]): ModuleLinkage {
  if (configureArguments.includes('--with-stream=dynamic')) return 'dynamic';
  if (configureArguments.includes('--with-stream')) return 'static';
  return 'absent';
}

function hasSticky(versionLine: NginxVersionLine, configureArguments: readonly string[]): boolean {
  // NGINX Plus has shipped sticky for many releases; it has no configure switch for it.
  if (versionLine.edition === 'plus') return true;
  if (versionLine.product !== 'nginx') return false;
  if (compareVersions(versionLine.version, nativeStickyVersion) < 0) return false;
  return !configureArguments.some((argument) => stickyDisableOptions.includes(argument));
}
