/**
 * Names of the nginx objects h2sticky generates. They all start with `h2s_`,
 * a prefix the spec schema forbids for upstream names, so they never clash
 * with the user's own upstreams.
 */

/** The part of an upstream name usable inside nginx variable names, which allow no "-". */
export function upstreamVariableStem(upstream: string): string {
  return upstream.replace(/-/g, '_');
}

/** Upstream block in which server number `serverNumber` (1-based) is the only primary. */
export function pinnedUpstreamName(upstream: string, serverNumber: number): string {
  return `h2s_${upstreamVariableStem(upstream)}_${serverNumber}`;
}

/** Variable holding the upstream block chosen from the affinity cookie. */
export function selectVariableName(upstream: string): string {
  return `$h2s_${upstreamVariableStem(upstream)}_upstream`;
}

/** Variable holding the emulated Set-Cookie header value. */
export function setCookieVariableName(upstream: string): string {
  return `$h2s_${upstreamVariableStem(upstream)}_set_cookie`;
}

/** Shared-memory zone of learned sessions. */
export function learnZoneName(upstream: string): string {
  return `h2s_${upstreamVariableStem(upstream)}_sessions`;
}

/** Variable with the Connection header for WebSocket-capable locations. */
export const connectionUpgradeVariable = '$h2s_connection_upgrade';

/** Name of the JSON access log format. */
export const accessLogFormatName = 'h2sticky_json';
