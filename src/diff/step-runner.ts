/**
 * Runs the steps of one scenario on two servers under test in lockstep.
 * Each request step goes to both at the same moment; the next step starts
 * once both have responded and written their access records. Backend
 * changes apply once to the shared backends, and waits are real time, so
 * both sides see the same faults at the same times.
 */

import { setTimeout as sleep } from 'node:timers/promises';

import type { Plan } from '../plan/types.js';
import { ClientJar, openConnection, type ClientConnection, type ConnectionTarget, type RawResponse } from './client.js';
import { compareObservations } from './compare.js';
import { explainRequest, explanationFacts, type ExplainedDifference } from './explained.js';
import { checkExpectations } from './expectations.js';
import { affinityCookies, matchAccessRecords, observe, probeHeader, setCookieHeaders, type AffinityCookies, type Observation } from './observation.js';
import type { RequestResult, StepResult } from './result.js';
import type { Scenario, ScenarioRequest, ScenarioStep } from './scenario/types.js';
import type { AccessRecord, ServerUnderTest } from './server-under-test.js';
import type { ListenerMap } from './listeners.js';
import type { BackendSet } from './testbed.js';
import { describeStep } from './step-summary.js';

/** One server under test with the sockets it listens on for this scenario. */
export interface Side {
  server: ServerUnderTest;
  plan: Plan;
  /** Spec listener (see listenerKey) to the loopback socket this side listens on. */
  listeners: ListenerMap;
}

/** The listener and authority a scenario connection uses. */
export interface ConnectionRoute {
  protocol: ConnectionTarget['protocol'];
  /** The spec listener it connects to, as listenerKey names it, such as `[::1]:8443`. */
  listener: string;
  /** Authority and TLS server name: the first server name of the listener's server, or localhost. */
  authority: string;
}

export interface StepRunnerOptions {
  scenario: Scenario;
  sides: [Side, Side];
  backends: BackendSet;
  explained: readonly ExplainedDifference[];
  /** Resolved connections, by `client/connection`. */
  routes: ReadonlyMap<string, ConnectionRoute>;
  /** Maximum wait for one response, in milliseconds. */
  responseTimeoutMs?: number;
  onRequestsDone?: (count: number) => void;
}

/** Maximum wait for a server's access records after its responses arrived, in milliseconds; nginx writes its line as the response ends. */
const accessRecordWaitMs = 1000;

class SideState {
  readonly jars = new Map<string, ClientJar>();
  readonly connections = new Map<string, ClientConnection>();
  readonly labels = new Map<string, string | undefined>();
  probeCount = 0;

  constructor(
    readonly side: Side,
    readonly affinity: AffinityCookies,
    readonly tag: string,
  ) {}

  jar(client: string): ClientJar {
    let jar = this.jars.get(client);
    if (!jar) {
      jar = new ClientJar();
      this.jars.set(client, jar);
    }
    return jar;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
    this.connections.clear();
  }
}

export class StepRunner {
  private readonly states: [SideState, SideState];

  constructor(private readonly options: StepRunnerOptions) {
    const runTag = Math.random().toString(36).slice(2, 8);
    this.states = options.sides.map((side, index) => new SideState(side, affinityCookies(side.plan, options.backends), `${runTag}-${index}`)) as [SideState, SideState];
  }

  async run(): Promise<StepResult[]> {
    const results: StepResult[] = [];
    try {
      for (const [index, step] of this.options.scenario.steps.entries()) {
        results.push({ index, pointer: step.pointer, summary: describeStep(step), requests: await this.runStep(step) });
      }
    } finally {
      await Promise.all(this.states.map((state) => state.closeAll()));
    }
    return results;
  }

  private async runStep(step: ScenarioStep): Promise<RequestResult[]> {
    switch (step.kind) {
      case 'request':
        return this.exchange([step.request]);
      case 'streams':
        return this.exchange(step.requests);
      case 'reconnect':
        await Promise.all(
          this.states.map(async (state) => {
            const key = `${step.client}/${step.connection}`;
            await state.connections.get(key)?.close();
            state.connections.delete(key);
          }),
        );
        return [];
      case 'wait':
        await sleep(step.ms);
        return [];
      case 'backend':
        await this.changeBackend(step.backend, step.change);
        return [];
      case 'set-cookie':
        for (const state of this.states) {
          const route = this.routeOf(step.client, undefined);
          state.jar(step.client).store(this.url(route, '/'), [step.cookie]);
        }
        return [];
      case 'clear-cookies':
        for (const state of this.states) state.jar(step.client).clear();
        return [];
    }
  }

  private async changeBackend(name: string, change: Extract<ScenarioStep, { kind: 'backend' }>['change']): Promise<void> {
    const backend = this.options.backends.get(name)!;
    switch (change.action) {
      case 'stop':
        await backend.stop();
        return;
      case 'start':
        await backend.start();
        return;
      case 'status':
        backend.fault = { kind: 'status', status: change.status };
        return;
      case 'delay':
        backend.fault = { kind: 'delay', ms: change.delayMs };
        return;
      case 'close-mid-response':
        backend.fault = { kind: 'close-mid-response' };
        return;
      case 'reset':
        backend.fault = { kind: 'reset' };
        return;
      case 'hang':
        backend.fault = { kind: 'hang' };
        return;
      case 'heal':
        backend.fault = { kind: 'none' };
        return;
    }
  }

  /** Sends the requests (concurrently when there are several) to both sides at once and compares what comes back. */
  private async exchange(requests: readonly ScenarioRequest[]): Promise<RequestResult[]> {
    const [first, second] = await Promise.all([this.sendAll(this.states[0], requests), this.sendAll(this.states[1], requests)]);
    this.storeCookies(this.states[0], first);
    this.storeCookies(this.states[1], second);
    const records = this.options.backends.backends.flatMap((backend) => backend.takeRequests().map((record) => ({ ...record, backend: backend.id })));

    const observationsOf = async (state: SideState, sent: Sent[]): Promise<Observation[]> => {
      // A request the client did not send leaves no access record, so waiting for one would only run into the deadline.
      const access = await this.accessRecords(state.side.server, sent.filter((entry) => !entry.response.notSent).length);
      const matched = matchAccessRecords(
        sent.map((entry) => ({ method: entry.request.method, path: entry.request.path, response: entry.response })),
        access,
        this.options.backends,
      );
      return sent.map((entry, index) =>
        observe({
          response: entry.response,
          access: matched[index],
          received: records.filter((record) => record.headers[probeHeader] === entry.probe),
          responseHeaders: this.options.scenario.responseHeaders,
          backends: this.options.backends,
          affinity: state.affinity,
        }),
      );
    };
    const [firstObservations, secondObservations] = await Promise.all([observationsOf(this.states[0], first), observationsOf(this.states[1], second)]);

    for (const [index, request] of requests.entries()) {
      if (request.label === undefined) continue;
      this.states[0].labels.set(request.label, firstObservations[index]!.backend);
      this.states[1].labels.set(request.label, secondObservations[index]!.backend);
    }

    const results = requests.map((request, index): RequestResult => {
      const observations: [Observation, Observation] = [firstObservations[index]!, secondObservations[index]!];
      const notSent = this.states.flatMap((state, side) => {
        const response = (side === 0 ? first : second)[index]!.response;
        return response.notSent ? [`${state.side.server.role}: ${response.error ?? 'rejected by the client'}`] : [];
      });
      if (notSent.length > 0) {
        // Nothing reached a server, so there is no behaviour to compare or to check against expectations.
        return { pointer: request.pointer, client: request.client, connection: request.connection, method: request.method, path: request.path, observations, notSent, differences: [], expectationFailures: [] };
      }
      const compared = compareObservations(...observations);
      const entries = explainRequest(compared, this.options.explained, { scope: 'proxy', ...explanationFacts(this.states[0].side.plan) });
      const differences = compared.map((difference, index) => {
        const entry = entries[index];
        return entry ? { ...difference, explained: { id: entry.id, reason: entry.reason } } : difference;
      });
      const expectationFailures = this.states.flatMap((state, side) =>
        checkExpectations(request, observations[side]!, { role: state.side.server.role, backends: this.options.backends, labels: state.labels }),
      );
      return {
        pointer: request.pointer,
        client: request.client,
        connection: request.connection,
        method: request.method,
        path: request.path,
        observations,
        differences,
        expectationFailures,
      };
    });

    this.options.onRequestsDone?.(requests.length);
    return results;
  }

  private async sendAll(state: SideState, requests: readonly ScenarioRequest[]): Promise<Sent[]> {
    return Promise.all(requests.map((request) => this.send(state, request)));
  }

  private async send(state: SideState, request: ScenarioRequest): Promise<Sent> {
    const route = this.routeOf(request.client, request.connection);
    const key = `${request.client}/${request.connection}`;
    let connection = state.connections.get(key);
    if (!connection) {
      const client = this.options.scenario.clients.find((candidate) => candidate.name === request.client)!;
      const endpoint = state.side.listeners.get(route.listener)!;
      connection = openConnection({
        protocol: route.protocol,
        host: endpoint.host,
        port: endpoint.port,
        // An IPv4 source address cannot reach ::1, so connections to an IPv6 listener come from ::1.
        localAddress: endpoint.host === '::1' ? '::1' : client.address,
        serverName: route.authority,
        ...(this.options.responseTimeoutMs !== undefined ? { timeoutMs: this.options.responseTimeoutMs } : {}),
      });
      state.connections.set(key, connection);
    }

    const url = this.url(route, request.path);
    const jar = state.jar(request.client);
    const cookie = request.headers.cookie ?? jar.cookieHeader(url);
    const probe = `${state.tag}-${++state.probeCount}`;
    const headers: Record<string, string> = { ...request.headers, [probeHeader]: probe };
    if (cookie !== '') headers.cookie = cookie;
    else delete headers.cookie;

    const response = await connection.send({ method: request.method, path: request.path, authority: route.authority, headers, ...(request.body !== undefined ? { body: request.body } : {}) });
    return { request, response, probe, url };
  }

  /**
   * Stores the Set-Cookie headers of a step's responses in the scenario's
   * request order. Concurrent streams finish in an order that timing decides,
   * and storing cookies as they arrive would let two sides that responded
   * alike end the step with different jars.
   */
  private storeCookies(state: SideState, sent: readonly Sent[]): void {
    for (const entry of sent) state.jar(entry.request.client).store(entry.url, setCookieHeaders(entry.response));
  }

  /** Waits, within a bound, until the server has recorded `count` more requests, and returns what it recorded. */
  private async accessRecords(server: ServerUnderTest, count: number): Promise<AccessRecord[]> {
    const records: AccessRecord[] = [];
    const deadline = Date.now() + accessRecordWaitMs;
    for (;;) {
      records.push(...(await server.takeAccessRecords()));
      if (records.length >= count || Date.now() >= deadline) return records;
      await sleep(20);
    }
  }

  private routeOf(client: string, connection: string | undefined): ConnectionRoute {
    const scenarioClient = this.options.scenario.clients.find((candidate) => candidate.name === client)!;
    const name = connection ?? scenarioClient.connections[0]!.name;
    return this.options.routes.get(`${client}/${name}`)!;
  }

  private url(route: ConnectionRoute, path: string): string {
    const scheme = route.protocol === 'h2' || route.protocol === 'http1-tls' ? 'https' : 'http';
    return `${scheme}://${route.authority}${path}`;
  }
}

interface Sent {
  request: ScenarioRequest;
  response: RawResponse;
  probe: string;
  /** The URL the jar stores the response's cookies for. */
  url: string;
}
