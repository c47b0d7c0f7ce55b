import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** An upstream server address split into its parts. */
export type ServerAddress =
  | { kind: 'ip'; family: 4 | 6; host: string; port: number; text: string }
  | { kind: 'hostname'; host: string; port: number; text: string }
  | { kind: 'unix'; path: string; text: string };

/** nginx's default port for an upstream server written without one. */
const defaultPort = 80;

/**
 * Parses a spec address (`ip:port`, `[ipv6]:port`, `host:port`, `unix:/path`).
 * Returns a reason string when the text is not a valid address.
 */
export function parseServerAddress(text: string): ServerAddress | string {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    if (!path.startsWith('/')) return 'a unix socket path must be absolute';
    return { kind: 'unix', path, text };
  }

  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return 'an IPv6 address needs a closing "]"';
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return 'write the port after the "]" as [address]:port';
    portText = rest === '' ? undefined : rest.slice(1);
    if (!isIPv6(host)) return `"${host}" is not a valid IPv6 address`;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    if (host.includes(':')) return 'write IPv6 addresses in brackets, as [2001:db8::1]:8080';
  }

  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (portText !== undefined && !/^\d+$/.test(portText))) {
    return `port "${portText}" is not a number from 1 to 65535`;
  }

  if (text.startsWith('[')) return { kind: 'ip', family: 6, host, port, text };
  if (/^[\d.]+$/.test(host)) {
    if (!isIPv4(host)) return `"${host}" is not a valid IPv4 address`;
    return { kind: 'ip', family: 4, host, port, text };
  }
  return { kind: 'hostname', host: host.toLowerCase(), port, text };
}

/**
 * The peer name nginx prints in $upstream_addr and hashes for the sticky
 * cookie: `a.b.c.d:port`, `[ipv6]:port` in nginx's own IPv6 text form, or
 * `unix:/path`. Host names have no peer name until they are resolved.
 * Follows ngx_sock_ntop() in src/core/ngx_inet.c.
 */
export function peerName(address: ServerAddress): string | undefined {
  switch (address.kind) {
    case 'unix':
      return `unix:${address.path}`;
    case 'hostname':
      return undefined;
    case 'ip':
      return address.family === 4
        ? `${formatIPv4(parseIPv4(address.host))}:${address.port}`
        : `[${formatIPv6(parseIPv6(address.host))}]:${address.port}`;
  }
}

/** The sticky cookie value of a peer: its route, or the lowercase hex MD5 of its peer name (nginx 1.29.6+). */
export function stickyId(name: string, route?: string): string {
  return route ?? createHash('md5').update(name).digest('hex');
}

export function parseIPv4(text: string): number[] {
  return text.split('.').map((part) => Number(part));
}

function formatIPv4(bytes: readonly number[]): string {
  return bytes.join('.');
}

/** Parses IPv6 text (with `::` and an optional embedded IPv4 tail) into 16 bytes. */
export function parseIPv6(text: string): number[] {
  let groups: number[] = [];
  let tail = text;
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let ipv4: number[] = [];
  if (embedded) {
    ipv4 = parseIPv4(embedded[1]!);
    tail = text.slice(0, text.length - embedded[1]!.length);
    if (tail.endsWith(':') && !tail.endsWith('::')) tail = tail.slice(0, -1);
  }

  const wanted = embedded ? 6 : 8;
  const [head, rest] = tail.includes('::') ? tail.split('::') : [tail, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').filter((group) => group !== '').map((group) => parseInt(group, 16)) : []);
  const before = parse(head);
  if (rest === undefined) {
    groups = before;
  } else {
    const after = parse(rest);
    groups = [...before, ...new Array<number>(wanted - before.length - after.length).fill(0), ...after];
  }

  const bytes: number[] = [];
  for (const group of groups) bytes.push(group >> 8, group & 0xff);
  return [...bytes, ...ipv4];
}

/**
 * Prints 16 bytes the way ngx_inet6_ntop() does: lowercase hex groups without
 * leading zeros; the longest run of two or more zero groups (the first on a
 * tie) becomes `::`; a zero run from the start followed by ffff, or of six
 * groups, or of seven groups whose last bytes are not x.1 or 0.x, ends in
 * dotted IPv4.
 */
export function formatIPv6(bytes: readonly number[]): string {
  const group = (index: number) => bytes[index]! * 256 + bytes[index + 1]!;

  let zeroStart = -1;
  let zeroLength = 1;
  let runStart = -1;
  let runLength = 0;
  for (let index = 0; index < 16; index += 2) {
    if (group(index) !== 0) {
      if (runLength > zeroLength) {
        zeroStart = runStart;
        zeroLength = runLength;
      }
      runLength = 0;
      continue;
    }
    if (runLength === 0) runStart = index;
    runLength++;
  }
  if (runLength > zeroLength) {
    zeroStart = runStart;
    zeroLength = runLength;
  }

  let hexBytes = 16;
  let text = '';
  if (zeroStart === 0) {
    const mapped = zeroLength === 5 && bytes[10] === 0xff && bytes[11] === 0xff;
    const compatible = zeroLength === 6 || (zeroLength === 7 && bytes[14] !== 0 && bytes[15] !== 1);
    if (mapped || compatible) hexBytes = 12;
    text += ':';
  }

  for (let index = 0; index < hexBytes; index += 2) {
    if (index === zeroStart) {
      text += ':';
      index += (zeroLength - 1) * 2;
      continue;
    }
    text += group(index).toString(16);
    if (index < 14) text += ':';
  }

  if (hexBytes === 12) text += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  return text;
}
