/**
 * nginx release numbers, version ranges, and the `nginx -v` output line.
 */

/** A release number with three numeric parts, such as `1.30.6`. */
export type NginxVersion = string;

/** Versions `v` with `min <= v < below`; a missing bound is open. */
export interface VersionRange {
  /** Lowest version in the range (inclusive). */
  min?: NginxVersion;
  /** First version past the range (exclusive). */
  below?: NginxVersion;
}

/** Fields of the first line of `nginx -v` or `nginx -V`. */
export interface NginxVersionLine {
  /** The name before the slash: `nginx`, or a fork such as `freenginx` or `openresty`. */
  product: string;
  version: NginxVersion;
  /** `plus` when the line carries an NGINX Plus release in brackets, such as `(nginx-plus-r31)`. */
  edition: 'oss' | 'plus';
  /** The bracketed text after the version, without brackets, when there is one. */
  detail?: string;
}

const versionPattern = /^\d+\.\d+\.\d+$/;

// `nginx version: nginx/1.22.1`; NGINX Plus adds ` (nginx-plus-r31)`.
const versionLinePattern = /^nginx version: ([A-Za-z][\w.-]*)\/(\d+\.\d+\.\d+)(?:\S*)(?: \(([^)]*)\))?/m;

export function isNginxVersion(text: string): boolean {
  return versionPattern.test(text);
}

/** Compares two release numbers part by part; returns a negative number, zero or a positive number. */
export function compareVersions(left: NginxVersion, right: NginxVersion): number {
  const leftParts = versionParts(left);
  const rightParts = versionParts(right);
  for (let index = 0; index < 3; index += 1) {
    const difference = (leftParts[index] ?? 0) - (rightParts[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function versionInRange(version: NginxVersion, range: VersionRange): boolean {
  if (range.min !== undefined && compareVersions(version, range.min) < 0) return false;
  if (range.below !== undefined && compareVersions(version, range.below) >= 0) return false;
  return true;
}

/** Formats a range as `>= 1.29.6`, `< 1.25.1`, `[1.25.1, 1.29.6)` or `any version`. */
export function formatVersionRange(range: VersionRange): string {
  if (range.min !== undefined && range.below !== undefined) return `[${range.min}, ${range.below})`;
  if (range.min !== undefined) return `>= ${range.min}`;
  if (range.below !== undefined) return `< ${range.below}`;
  return 'any version';
}

/** Reads the version line that `nginx -v` and `nginx -V` print first; undefined when the text has none. */
export function parseNginxVersionLine(output: string): NginxVersionLine | undefined {
  const match = versionLinePattern.exec(output);
  if (match === null) return undefined;

  const [, product, version, detail] = match;
  if (product === undefined || version === undefined) return undefined;

  const line: NginxVersionLine = {
    product,
    version,
    edition: detail !== undefined && /nginx-plus/i.test(detail) ? 'plus' : 'oss',
  };
  if (detail !== undefined) line.detail = detail;
  return line;
}

function versionParts(version: NginxVersion): number[] {
  if (!versionPattern.test(version)) {
    throw new RangeError(`invalid nginx version "${version}": expected three numbers such as 1.30.6`);
  }
  return version.split('.').map(Number);
}
