/**
 * A diff scenario after loading: clients with their connections, and the
 * steps both servers under test receive in lockstep. Durations are
 * milliseconds. Every step keeps the JSON pointer of its place in the
 * scenario file, so problems and reports can point at it.
 */

import type { VersionRange } from '../../nginx/runner/version.js';
import type { SpecDocument } from '../../spec/types.js';

export type ConnectionProtocol = 'h2' | 'h2c' | 'http1' | 'http1-tls';

export interface ScenarioConnection {
  name: string;
  /** `auto`: h2 when the spec has a TLS listener that serves it, h2c otherwise (the default connection). */
  protocol: ConnectionProtocol | 'auto';
  /** The spec's listener port; undefined picks the first listener that serves the protocol. */
  port?: number;
  /** The spec's listener address as the spec writes it (`127.0.0.1`, `[::1]`, `*` for none); undefined takes any. */
  address?: string;
}

export interface ScenarioClient {
  name: string;
  /** Loopback address the client connects from. */
  address: string;
  /** In the order written; the first is the default connection. */
  connections: ScenarioConnection[];
}

/** The source of the scenario's spec. */
export type ScenarioSpecSource =
  | { kind: 'file'; path: string }
  | { kind: 'inline'; document: SpecDocument; text: string }
  | { kind: 'none' };

export interface ScenarioExpectation {
  status?: number;
  /** A backend name (UPSTREAM.N) or @LABEL. */
  backend?: string;
  notBackend?: string;
  /** A backend name, @LABEL, or `none`. */
  cookie?: string;
  tried?: string[];
}

export interface ScenarioRequest {
  client: string;
  connection: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  label?: string;
  expect?: ScenarioExpectation;
  /** JSON pointer of the request in the scenario file. */
  pointer: string;
}

export type BackendAction =
  | { action: 'stop' }
  | { action: 'start' }
  | { action: 'status'; status: number }
  | { action: 'delay'; delayMs: number }
  | { action: 'close-mid-response' }
  | { action: 'reset' }
  | { action: 'hang' }
  | { action: 'heal' };

export type ScenarioStep = { pointer: string } & (
  | { kind: 'request'; request: ScenarioRequest }
  | { kind: 'streams'; client: string; connection: string; requests: ScenarioRequest[] }
  | { kind: 'reconnect'; client: string; connection: string }
  | { kind: 'wait'; ms: number }
  | { kind: 'backend'; backend: string; change: BackendAction }
  | { kind: 'set-cookie'; client: string; cookie: string }
  | { kind: 'clear-cookies'; client: string }
);

export interface Scenario {
  name: string;
  description?: string;
  /** The scenario file as the user named it. */
  file: string;
  spec: ScenarioSpecSource;
  /** nginx versions the scenario applies to. */
  nginx: VersionRange;
  /** Response headers recorded and compared, lowercase. */
  responseHeaders: string[];
  clients: ScenarioClient[];
  steps: ScenarioStep[];
  /**
   * Backend names in steps that failed the schema, with their JSON pointers.
   * Only a scenario with problems has them, which is checked against its spec
   * so that one run reports every problem, but never run.
   */
  invalidStepBackends?: { name: string; pointer: string }[];
  /** Finds the line and column of a JSON pointer in the scenario file. */
  locate(pointer: string): { line: number; column: number };
}

export const defaultResponseHeaders: readonly string[] = ['content-type', 'server', 'x-backend'];

/** Maximum wait step, in milliseconds; longer waits make runs slow without showing more. */
export const maxWaitMs = 60_000;
