/**
 * Parses the diagnostics nginx prints while it loads a configuration.
 *
 * nginx prints them in two forms (src/core/ngx_log.c, ngx_conf_file.c):
 *   nginx: [emerg] unknown directive "x" in /etc/nginx/nginx.conf:12
 *   2026/08/21 10:00:00 [emerg] 7#7: unknown directive "x" in /etc/nginx/nginx.conf:12
 * The first goes to the console before the error log is open. The second
 * goes to an error log, which may be stderr when the config logs there.
 */

export type NginxLogLevel = 'emerg' | 'alert' | 'crit' | 'error' | 'warn' | 'notice' | 'info' | 'debug';

export interface NginxMessage {
  level: NginxLogLevel;
  /** The message without its ` in FILE:LINE` suffix. */
  text: string;
  /** The file named by the suffix, mapped to the caller's name when it is known. */
  file?: string;
  /** 1-based line from the suffix. */
  line?: number;
}

const levels: ReadonlySet<string> = new Set<NginxLogLevel>([
  'emerg',
  'alert',
  'crit',
  'error',
  'warn',
  'notice',
  'info',
  'debug',
]);

const consolePattern = /^nginx: \[(\w+)\] (.*)$/;
// The optional `*N ` is a connection number, which nginx logs for request-time errors.
const errorLogPattern = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;
const locationPattern = /^(.*) in (.+):(\d+)$/;

/**
 * Extracts every leveled message from nginx output, in order. Paths that are
 * keys of `pathNames` are replaced by their values, in the file field and
 * inside the text, so that messages name the files the caller gave.
 */
export function parseNginxMessages(output: string, pathNames: ReadonlyMap<string, string> = new Map()): NginxMessage[] {
  const messages: NginxMessage[] = [];
  for (const line of output.split(/\r?\n/)) {
    const message = parseNginxMessageLine(line, pathNames);
    if (message !== undefined) messages.push(message);
  }
  return messages;
}

/** Parses one output line; undefined when it is not a leveled nginx message. */
export function parseNginxMessageLine(
  line: string,
  pathNames: ReadonlyMap<string, string> = new Map(),
): NginxMessage | undefined {
  const match = consolePattern.exec(line) ?? errorLogPattern.exec(line);
  if (match === null) return undefined;

  const [, level, body] = match;
  if (level === undefined || body === undefined || !levels.has(level)) return undefined;

  const located = locationPattern.exec(body);
  if (located === null) {
    return { level: level as NginxLogLevel, text: replacePaths(body, pathNames) };
  }

  const [, text = '', file = '', lineNumber = ''] = located;
  return {
    level: level as NginxLogLevel,
    text: replacePaths(text, pathNames),
    file: pathNames.get(file) ?? file,
    line: Number(lineNumber),
  };
}

function replacePaths(text: string, pathNames: ReadonlyMap<string, string>): string {
  // Longest first, so that a file path wins over the directory that contains it.
  const paths = [...pathNames.keys()].sort((left, right) => right.length - left.length);
  let replaced = text;
  for (const path of paths) replaced = replaced.split(path).join(pathNames.get(path) ?? path);
  return replaced;
}
