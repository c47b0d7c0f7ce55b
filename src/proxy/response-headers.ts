/**
 * The response header nginx sends a client for a proxied response: its own
 * Server and Date, the sticky Set-Cookie written at peer selection, the
 * backend's headers minus hop-by-hop and hidden ones, then the location's
 * add_header lines.
 */

import type { PlanLocation } from '../plan/types.js';
import { compileTemplate, evaluate, type HeaderField, type RequestFacts, type Template, type VariableTable } from './variables.js';

/** Backend headers nginx never passes: connection-level ones, and those proxy_hide_header hides by default. */
const droppedHeaders = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'date',
  'server',
  'x-pad',
  'x-accel-expires',
  'x-accel-redirect',
  'x-accel-limit-rate',
  'x-accel-buffering',
  'x-accel-charset',
]);

/** Statuses that get add_header lines without `always` (ngx_http_headers_filter()). */
const addHeaderStatuses = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

export interface AddHeaderRule {
  name: string;
  template: Template;
  always: boolean;
}

export function compileAddHeaders(location: PlanLocation, variables: VariableTable): AddHeaderRule[] {
  return location.addHeaders.map((header) => ({ name: header.name, template: compileTemplate(header.value, variables), always: header.always }));
}

/** Keeps the backend headers nginx passes to the client. */
export function passedBackendHeaders(headers: readonly HeaderField[]): HeaderField[] {
  return headers.filter((header) => !droppedHeaders.has(header.name.toLowerCase()));
}

/** Evaluates add_header lines for a response status; an empty value adds nothing. */
export function addedHeaders(rules: readonly AddHeaderRule[], status: number, facts: RequestFacts): HeaderField[] {
  const added: HeaderField[] = [];
  for (const rule of rules) {
    if (!rule.always && !addHeaderStatuses.has(status)) continue;
    const value = evaluate(rule.template, facts);
    if (value !== '') added.push({ name: rule.name, value });
  }
  return added;
}
