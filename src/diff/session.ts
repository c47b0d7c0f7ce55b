/**
 * A diff session: two long-lived servers under test (nginx and the
 * reference proxy) for one nginx version. The first scenario starts them.
 * Each later one reloads them with its own Plan, which gives both fresh
 * balancer state without the cost of a restart.
 */

import { hasErrors, type Problem } from '../problems.js';
import { versionInRange, formatVersionRange } from '../nginx/runner/version.js';
import { bindScenario } from './bind.js';
import { explanationFacts, type ExplainedDifference } from './explained.js';
import { comparedCount, notSentReason, statusOf, type ScenarioRunResult } from './result.js';
import type { Scenario } from './scenario/types.js';
import type { ServerUnderTest } from './server-under-test.js';
import { StepRunner, type Side } from './step-runner.js';
import { allocateListeners, listenAddress, listenerKey, type LoopbackEndpoint } from './listeners.js';
import { BackendSet, compileForVersion, loopbackSpec, withListeners, type ResolvedSpec } from './testbed.js';

export interface DiffSessionOptions {
  /** The version of the nginx under test; Plans are compiled for it. */
  nginxVersion: string;
  /** The nginx under test first, the reference second. */
  servers: [ServerUnderTest, ServerUnderTest];
  explained: readonly ExplainedDifference[];
  /** Maximum wait for one response, in milliseconds (default 10000). */
  responseTimeoutMs?: number;
  /** Called after each request step with the number of requests it compared. */
  onRequestsDone?: (count: number) => void;
}

export class DiffSession {
  private started = false;
  /** Each side's loopback sockets by spec listener key; kept across scenarios, so reloads keep the sockets. */
  private readonly listeners: [Map<string, LoopbackEndpoint>, Map<string, LoopbackEndpoint>] = [new Map(), new Map()];

  constructor(private readonly options: DiffSessionOptions) {}

  get nginxVersion(): string {
    return this.options.nginxVersion;
  }

  /** Runs one scenario with its spec. Problems of the scenario and a Plan that a server rejects are returned in the result, not raised. */
  async run(scenario: Scenario, spec: ResolvedSpec): Promise<ScenarioRunResult> {
    const started = Date.now();
    const [first, second] = this.options.servers;
    const base: Omit<ScenarioRunResult, 'status' | 'durationMs'> = {
      scenario: scenario.name,
      file: scenario.file,
      nginxVersion: this.options.nginxVersion,
      servers: [first.description, second.description],
      roles: [first.role, second.role],
      problems: [],
      steps: [],
      requestCount: 0,
    };
    const finish = (result: Partial<ScenarioRunResult> & Pick<ScenarioRunResult, 'status'>): ScenarioRunResult => ({ ...base, ...result, durationMs: Date.now() - started });

    if (!versionInRange(this.options.nginxVersion, scenario.nginx)) {
      return finish({ status: 'not-applicable', reason: `the scenario applies to nginx ${formatVersionRange(scenario.nginx)}` });
    }

    const backends = BackendSet.forSpec(spec.document);
    const bound = bindScenario(scenario, spec.document, backends.names());
    if (bound.problems.length > 0) return finish({ status: 'error', reason: 'the scenario does not fit its spec', problems: bound.problems });

    try {
      await backends.start();
      const prepared = await this.prepare(spec, backends, scenario.file);
      if ('problems' in prepared) return finish({ status: 'error', reason: `the spec does not compile for nginx ${this.options.nginxVersion}`, problems: prepared.problems });

      try {
        await this.load(prepared.sides);
      } catch (error) {
        return finish({ status: 'error', reason: `a server under test did not take the Plan: ${error instanceof Error ? error.message : String(error)}` });
      }

      const runner = new StepRunner({
        scenario,
        sides: prepared.sides,
        backends,
        explained: this.options.explained,
        routes: bound.routes,
        ...(this.options.responseTimeoutMs !== undefined ? { responseTimeoutMs: this.options.responseTimeoutMs } : {}),
        ...(this.options.onRequestsDone ? { onRequestsDone: this.options.onRequestsDone } : {}),
      });
      const steps = await runner.run();
      const status = statusOf(steps);
      const reason = notSentReason(steps);
      return finish({
        status,
        steps,
        requestCount: comparedCount(steps),
        problems: prepared.warnings,
        facts: explanationFacts(prepared.sides[0].plan),
        ...(reason !== undefined ? { reason } : {}),
      });
    } finally {
      await backends.stop();
    }
  }

  /** Stops both servers under test. */
  async close(): Promise<void> {
    const servers = this.started ? this.options.servers : [];
    this.started = false;
    await Promise.all(servers.map((server) => server.stop()));
  }

  private async prepare(spec: ResolvedSpec, backends: BackendSet, scenarioFile: string): Promise<{ sides: [Side, Side]; warnings: Problem[] } | { problems: Problem[] }> {
    await allocateListeners(spec.document, this.listeners);

    const document = loopbackSpec(backends.rewrite(spec.document), this.listeners[0]);
    const compiled = compileForVersion(spec, document, this.options.nginxVersion, scenarioFile);
    if (!compiled.plan || hasErrors(compiled.problems)) return { problems: compiled.problems };

    // The Plan names the first side's sockets; the second side gets the socket of the same spec listener.
    const firstToSecond = new Map(
      [...this.listeners[0]].map(([key, endpoint]) => [listenerKey({ address: listenAddress(endpoint), port: endpoint.port }), this.listeners[1].get(key)!]),
    );
    const [first, second] = this.options.servers;
    return {
      sides: [
        { server: first, plan: compiled.plan, listeners: this.listeners[0] },
        { server: second, plan: withListeners(compiled.plan, firstToSecond), listeners: this.listeners[1] },
      ],
      warnings: compiled.problems,
    };
  }

  private async load(sides: [Side, Side]): Promise<void> {
    if (!this.started) {
      const results = await Promise.allSettled(sides.map((side) => side.server.start(side.plan)));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) {
        await Promise.all(sides.map((side, index) => (results[index]!.status === 'fulfilled' ? side.server.stop() : undefined)));
        throw failed.reason;
      }
      this.started = true;
    } else {
      await Promise.all(sides.map((side) => side.server.reload(side.plan)));
    }
    // Requests of earlier scenarios must not be matched to this one's.
    await Promise.all(sides.map((side) => side.server.takeAccessRecords()));
  }
}
