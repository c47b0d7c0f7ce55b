/**
 * Loads diff scenarios from YAML: syntax, the JSON Schema in
 * schemas/scenario.schema.json, then the checks between parts (clients,
 * connections and labels that steps name). The checks between parts also
 * run on the parts that passed the schema when others failed, so every
 * problem is reported at once. Each is located at file, line, column and
 * JSON pointer.
 */

import { basename, dirname, extname, resolve } from 'node:path';

import { stringify } from 'yaml';

import type { Problem } from '../../problems.js';
import { trustFromSchemaProblems, type Trust } from '../../spec/check.js';
import { toPointer, loadSpecFile, loadSpecText, topLevelDuplicateHint, type DocumentKind, type LoadedSpec, type LoadResult } from '../../spec/load.js';
import { createSchemaChecker, type SchemaChecker } from '../../spec/schema-check.js';
import { parseDuration } from '../../spec/duration.js';
import type { SpecDocument } from '../../spec/types.js';
import {
  defaultResponseHeaders,
  maxWaitMs,
  type BackendAction,
  type ConnectionProtocol,
  type Scenario,
  type ScenarioClient,
  type ScenarioExpectation,
  type ScenarioRequest,
  type ScenarioSpecSource,
  type ScenarioStep,
} from './types.js';

export const scenarioDocumentKind: DocumentKind = {
  codePrefix: 'scenario',
  noun: 'scenario',
  createHint: 'see "h2sticky schema --kind scenario" and the scenarios in fixtures/scenarios',
  duplicateKeyHint: (key, parents) =>
    topLevelDuplicateHint(key, parents) ?? 'each key may appear once in a mapping; client and connection names must be unique, so rename or merge one of them',
};

/** Connection-specific header fields that HTTP/2 forbids (RFC 9113 section 8.2.2); `te` is handled apart because `te: trailers` is allowed. */
const connectionSpecificHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export interface ScenarioLoadResult {
  scenario?: Scenario;
  /**
   * When there are problems: the scenario built from the parts that passed
   * the checks, without the connections that failed the schema. It is only
   * checked against its spec, so that backends the spec lacks are reported
   * with the other problems, and never run. Absent when "spec" failed.
   */
  partial?: Scenario;
  problems: Problem[];
}

let checker: SchemaChecker | undefined;

function schemaChecker(): SchemaChecker {
  checker ??= createSchemaChecker('scenario.schema.json', { codePrefix: 'scenario', documentLabel: 'the scenario' });
  return checker;
}

/** Loads a scenario file. `displayName` is how problems name it. */
export async function loadScenarioFile(path: string, displayName = path): Promise<ScenarioLoadResult> {
  return scenarioFromLoaded(await loadSpecFile(path, displayName, scenarioDocumentKind), path);
}

/** Loads scenario text; `path` locates a spec that the scenario names relative to itself. */
export function loadScenarioText(text: string, file: string, path = file): ScenarioLoadResult {
  return scenarioFromLoaded(loadSpecText(text, file, scenarioDocumentKind), path);
}

function scenarioFromLoaded(loaded: LoadResult, path: string): ScenarioLoadResult {
  const document = loaded.spec;
  if (!document) return { problems: loaded.problems };

  const schemaProblems = schemaChecker().check(document);
  if (!isRecord(document.data)) return { problems: schemaProblems };

  const trust = trustFromSchemaProblems(schemaProblems);
  const builder = new ScenarioBuilder(document, path, trust);
  const scenario = builder.build();
  const problems = [...schemaProblems, ...builder.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (problems.length === 0) return { scenario, problems: [] };
  if (!trust.trusted('/spec')) return { problems };
  return { partial: withoutInvalidConnections(scenario, trust), problems };
}

/** Drops the connections that failed the schema, whose protocol or port cannot be matched with a listener. */
function withoutInvalidConnections(scenario: Scenario, trust: Trust): Scenario {
  const clients = scenario.clients.map((client) => ({
    ...client,
    connections: client.connections.filter((connection) => trust.trusted(toPointer(['clients', client.name, 'connections', connection.name]))),
  }));
  return { ...scenario, clients };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The scenario document as the schema describes it, in the file's snake_case spelling. */
interface RawScenario {
  name?: string;
  description?: string;
  spec?: string | Record<string, unknown>;
  nginx?: { min?: string; below?: string };
  observe?: { response_headers?: string[] };
  clients?: Record<string, { address?: string; connections?: Record<string, { protocol: ConnectionProtocol | 'auto'; port?: number; address?: string }> }>;
  steps: Record<string, unknown>[];
}

interface RawRequest {
  client?: string;
  connection?: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  label?: string;
  expect?: { status?: number; backend?: string; not_backend?: string; cookie?: string; tried?: string[] };
}

/**
 * Builds a Scenario and collects the problems the schema cannot see. Parts
 * that failed the schema are skipped. The Scenario runs only when there is no
 * problem at all; otherwise it is only checked against its spec.
 */
class ScenarioBuilder {
  readonly problems: Problem[] = [];
  private readonly raw: RawScenario;
  private readonly labels = new Set<string>();
  private readonly invalidStepBackends: { name: string; pointer: string }[] = [];
  private clients: ScenarioClient[] = [];

  constructor(
    private readonly document: LoadedSpec,
    private readonly path: string,
    private readonly trust: Trust,
  ) {
    this.raw = document.data as RawScenario;
  }

  build(): Scenario {
    this.clients = this.buildClients();
    const rawSteps = Array.isArray(this.raw.steps) ? this.raw.steps : [];
    const steps: ScenarioStep[] = [];
    for (const [index, step] of rawSteps.entries()) {
      const pointer = toPointer(['steps', index]);
      if (this.trust.trusted(pointer)) {
        steps.push(this.buildStep(step, pointer));
        continue;
      }
      // A later @LABEL may refer to a label of this step, which must not be reported as unknown.
      this.registerLabels(step);
      this.collectBackends(step, pointer);
    }
    const name = this.raw.name ?? basename(this.document.file, extname(this.document.file));

    return {
      name,
      ...(this.raw.description !== undefined ? { description: this.raw.description } : {}),
      file: this.document.file,
      spec: this.specSource(),
      nginx: { ...(this.raw.nginx?.min ? { min: this.raw.nginx.min } : {}), ...(this.raw.nginx?.below ? { below: this.raw.nginx.below } : {}) },
      responseHeaders: this.raw.observe?.response_headers ?? [...defaultResponseHeaders],
      clients: this.clients,
      steps,
      ...(this.invalidStepBackends.length > 0 ? { invalidStepBackends: this.invalidStepBackends } : {}),
      locate: (pointer) => this.document.locate(pointer),
    };
  }

  private specSource(): ScenarioSpecSource {
    const spec = this.raw.spec;
    if (spec === undefined) return { kind: 'none' };
    if (typeof spec === 'string') return { kind: 'file', path: resolve(dirname(this.path), spec) };
    return { kind: 'inline', document: spec as unknown as SpecDocument, text: stringify(spec) };
  }

  /** Records the labels of a step that failed the schema, without checking it. */
  private registerLabels(step: unknown): void {
    if (!isRecord(step)) return;
    const requests = isRecord(step.streams) && Array.isArray(step.streams.requests) ? step.streams.requests : [step.request];
    for (const request of requests) {
      if (isRecord(request) && typeof request.label === 'string') this.labels.add(request.label);
    }
  }

  /** Records the backend names in a step that failed the schema, where they passed it, so that they can still be checked against the spec. */
  private collectBackends(step: unknown, pointer: string): void {
    if (!isRecord(step)) return;
    const add = (name: unknown, at: string) => {
      if (typeof name === 'string' && this.trust.trusted(at)) this.invalidStepBackends.push({ name, pointer: at });
    };
    const addExpectation = (request: unknown, at: string) => {
      const expect = isRecord(request) ? request.expect : undefined;
      if (!isRecord(expect)) return;
      for (const key of ['backend', 'not_backend', 'cookie']) add(expect[key], `${at}/expect/${key}`);
      if (Array.isArray(expect.tried)) expect.tried.forEach((name, index) => add(name, `${at}/expect/tried/${index}`));
    };

    if (isRecord(step.backend)) add(step.backend.name, `${pointer}/backend/name`);
    addExpectation(step.request, `${pointer}/request`);
    if (isRecord(step.streams) && Array.isArray(step.streams.requests)) {
      step.streams.requests.forEach((request, index) => addExpectation(request, `${pointer}/streams/requests/${index}`));
    }
  }

  private buildClients(): ScenarioClient[] {
    const clients = isRecord(this.raw.clients) && Object.keys(this.raw.clients).length > 0 ? this.raw.clients : { client: {} };
    return Object.entries(clients).map(([name, rawClient]) => {
      // A client or connection that failed the schema still counts, so that steps naming it get no "unknown client" problem as well.
      const client = isRecord(rawClient) ? rawClient : {};
      const rawConnections = isRecord(client.connections) && Object.keys(client.connections).length > 0 ? client.connections : { main: { protocol: 'auto' as const } };
      const connections = Object.entries(rawConnections).map(([connectionName, rawConnection]) => {
        const connection: Record<string, unknown> = isRecord(rawConnection) ? rawConnection : {};
        return {
          name: connectionName,
          protocol: (connection.protocol ?? 'auto') as ConnectionProtocol | 'auto',
          ...(typeof connection.port === 'number' ? { port: connection.port } : {}),
          ...(typeof connection.address === 'string' ? { address: connection.address } : {}),
        };
      });
      return { name, address: typeof client.address === 'string' ? client.address : '127.0.0.1', connections };
    });
  }

  private buildStep(step: Record<string, unknown>, pointer: string): ScenarioStep {
    const [key, value] = Object.entries(step)[0]!;
    const at = `${pointer}/${key}`;

    switch (key) {
      case 'request':
        return { kind: 'request', pointer, request: this.buildRequest(value as RawRequest, at, undefined) };
      case 'streams': {
        const streams = value as { client?: string; connection?: string; requests: RawRequest[] };
        const client = this.clientName(streams.client, `${at}/client`);
        const connection = this.connectionName(client, streams.connection, `${at}/connection`);
        if (this.protocolOf(client, connection)?.startsWith('http1')) {
          this.problem('scenario.streams-http1', `${at}/connection`, `streams need an HTTP/2 connection, but "${connection}" of client "${client}" speaks HTTP/1.1`, 'use a connection with protocol h2 or h2c, or send the requests as separate request steps');
        }
        const requests = streams.requests.map((request, index) => this.buildRequest(request, `${at}/requests/${index}`, { client, connection }));
        return { kind: 'streams', pointer, client, connection, requests };
      }
      case 'reconnect': {
        const reconnect = value as { client?: string; connection?: string };
        const client = this.clientName(reconnect.client, `${at}/client`);
        return { kind: 'reconnect', pointer, client, connection: this.connectionName(client, reconnect.connection, `${at}/connection`) };
      }
      case 'wait':
        return { kind: 'wait', pointer, ms: this.waitMs(value as number | string, at) };
      case 'backend':
        return this.buildBackendStep(value as { name: string; action: BackendAction['action']; status?: number; delay?: number | string }, pointer, at);
      case 'set_cookie': {
        const setCookie = value as { client?: string; cookie: string };
        return { kind: 'set-cookie', pointer, client: this.clientName(setCookie.client, `${at}/client`), cookie: setCookie.cookie };
      }
      default: {
        const clear = value as { client?: string };
        return { kind: 'clear-cookies', pointer, client: this.clientName(clear.client, `${at}/client`) };
      }
    }
  }

  private buildRequest(raw: RawRequest, pointer: string, streams: { client: string; connection: string } | undefined): ScenarioRequest {
    if (streams && raw.client !== undefined && raw.client !== streams.client) {
      this.problem('scenario.stream-client', `${pointer}/client`, `a stream names client "${raw.client}", but the streams step belongs to client "${streams.client}"`, 'remove "client" from the stream, or set it on the streams step');
    }
    if (streams && raw.connection !== undefined && raw.connection !== streams.connection) {
      this.problem('scenario.stream-connection', `${pointer}/connection`, `a stream names connection "${raw.connection}", but all streams share connection "${streams.connection}"`, 'remove "connection" from the stream, or set it on the streams step');
    }

    const client = streams?.client ?? this.clientName(raw.client, `${pointer}/client`);
    const connection = streams?.connection ?? this.connectionName(client, raw.connection, `${pointer}/connection`);

    // A request's own expectations may use its label, to say that the cookie binds to the backend that sent the response.
    if (raw.label !== undefined) {
      if (this.labels.has(raw.label)) this.problem('scenario.duplicate-label', `${pointer}/label`, `label "${raw.label}" is used twice`, 'give each labelled request its own label');
      this.labels.add(raw.label);
    }
    const expect = raw.expect === undefined ? undefined : this.buildExpectation(raw.expect, `${pointer}/expect`);
    if (!this.protocolOf(client, connection)?.startsWith('http1')) this.checkHttp2Headers(raw.headers ?? {}, pointer, connection);

    return {
      client,
      connection,
      method: raw.method ?? 'GET',
      path: raw.path ?? '/',
      headers: raw.headers ?? {},
      ...(raw.body !== undefined ? { body: raw.body } : {}),
      ...(raw.label !== undefined ? { label: raw.label } : {}),
      ...(expect !== undefined ? { expect } : {}),
      pointer,
    };
  }

  private buildExpectation(raw: NonNullable<RawRequest['expect']>, pointer: string): ScenarioExpectation {
    for (const [key, value] of [
      ['backend', raw.backend],
      ['not_backend', raw.not_backend],
      ['cookie', raw.cookie],
    ] as const) {
      if (value?.startsWith('@') && !this.labels.has(value.slice(1))) {
        this.problem('scenario.unknown-label', `${pointer}/${key}`, `unknown label "${value.slice(1)}"`, 'label an earlier request with "label:", then refer to it as @LABEL');
      }
    }
    return {
      ...(raw.status !== undefined ? { status: raw.status } : {}),
      ...(raw.backend !== undefined ? { backend: raw.backend } : {}),
      ...(raw.not_backend !== undefined ? { notBackend: raw.not_backend } : {}),
      ...(raw.cookie !== undefined ? { cookie: raw.cookie } : {}),
      ...(raw.tried !== undefined ? { tried: raw.tried } : {}),
    };
  }

  private buildBackendStep(raw: { name: string; action: BackendAction['action']; status?: number; delay?: number | string }, pointer: string, at: string): ScenarioStep {
    let change: BackendAction;
    if (raw.action === 'status') {
      if (raw.status === undefined) this.problem('scenario.missing-status', at, 'action "status" needs "status"', 'add "status", such as status: 503');
      change = { action: 'status', status: raw.status ?? 500 };
    } else if (raw.action === 'delay') {
      const delayMs = raw.delay === undefined ? undefined : parseDuration(raw.delay);
      if (delayMs === undefined) this.problem('scenario.missing-delay', at, 'action "delay" needs "delay"', 'add "delay", such as delay: 3s, longer than the location\'s read timeout');
      change = { action: 'delay', delayMs: delayMs ?? 0 };
    } else {
      change = { action: raw.action } as BackendAction;
    }

    if (raw.status !== undefined && raw.action !== 'status') this.problem('scenario.unused-status', `${at}/status`, `"status" is only used by action "status", not "${raw.action}"`, 'remove "status", or set action: status');
    if (raw.delay !== undefined && raw.action !== 'delay') this.problem('scenario.unused-delay', `${at}/delay`, `"delay" is only used by action "delay", not "${raw.action}"`, 'remove "delay", or set action: delay');
    return { kind: 'backend', pointer, backend: raw.name, change };
  }

  private waitMs(value: number | string, pointer: string): number {
    const ms = parseDuration(value) ?? 0;
    if (ms > maxWaitMs) this.problem('scenario.wait-too-long', pointer, `wait of ${ms} ms is longer than ${maxWaitMs / 1000}s`, 'keep fail_timeout small in the spec (1s) and wait a little more than twice as long');
    return ms;
  }

  private clientName(name: string | undefined, pointer: string): string {
    const first = this.clients[0]!.name;
    if (name === undefined) return first;
    if (!this.clients.some((client) => client.name === name)) {
      this.problem('scenario.unknown-client', pointer, `unknown client "${name}"`, `use one of ${this.clients.map((client) => `"${client.name}"`).join(', ')}, or add it under "clients"`);
      return first;
    }
    return name;
  }

  private connectionName(clientName: string, name: string | undefined, pointer: string): string {
    const client = this.clients.find((candidate) => candidate.name === clientName)!;
    if (name === undefined) return client.connections[0]!.name;
    if (!client.connections.some((connection) => connection.name === name)) {
      this.problem(
        'scenario.unknown-connection',
        pointer,
        `client "${clientName}" has no connection "${name}"`,
        `use one of ${client.connections.map((connection) => `"${connection.name}"`).join(', ')}, or add it under clients.${clientName}.connections`,
      );
      return client.connections[0]!.name;
    }
    return name;
  }

  private protocolOf(clientName: string, connectionName: string): ConnectionProtocol | 'auto' | undefined {
    return this.clients.find((client) => client.name === clientName)?.connections.find((connection) => connection.name === connectionName)?.protocol;
  }

  /**
   * Rejects connection-specific headers on an HTTP/2 connection. RFC 9113
   * section 8.2.2 forbids them, and node:http2 throws
   * ERR_HTTP2_INVALID_CONNECTION_HEADERS before the request leaves the client,
   * so neither side would receive it. `te` is allowed with the value `trailers` only.
   */
  private checkHttp2Headers(headers: Record<string, string>, pointer: string, connection: string): void {
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      const forbidden = connectionSpecificHeaders.has(lower) || (lower === 'te' && value.trim().toLowerCase() !== 'trailers');
      if (!forbidden) continue;
      this.problem(
        'scenario.http2-connection-header',
        `${pointer}/headers${toPointer([name])}`,
        `header "${name}: ${value}" cannot be sent on HTTP/2 connection "${connection}"`,
        `remove it: ${name} is a connection-specific header, which RFC 9113 section 8.2.2 forbids in HTTP/2 (only "te: trailers" is allowed); to send it, use a connection with protocol http1 or http1-tls`,
      );
    }
  }

  private problem(code: string, pointer: string, message: string, hint: string): void {
    const position = this.document.locate(pointer);
    this.problems.push({ code, severity: 'error', message, hint, file: this.document.file, line: position.line, column: position.column, pointer });
  }
}
