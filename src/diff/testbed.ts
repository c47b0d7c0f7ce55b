/**
 * The loopback test bed of a scenario: one backend per distinct server
 * address of the spec. The spec is rewritten so that every upstream server
 * points at its backend, and every listener at a loopback port of the server
 * under test.
 *
 * Both servers under test share this one backend set and receive each step
 * at the same moment. The shared set is what makes the comparison fair: a
 * backend that a step stops is down for both at once, and both compute the
 * same peer names, so the sticky cookie values (the MD5 of `ip:port`) and
 * `$upstream_addr` are comparable byte for byte.
 */

import { basename } from 'node:path';

import { stringify } from 'yaml';

import { compileSpecText, validateLoadedSpec } from '../compile.js';
import { packagePath } from '../paths.js';
import type { Plan } from '../plan/types.js';
import { formatProblem, hasErrors, InternalError, type Problem } from '../problems.js';
import { loadSpecFile, loadSpecText, type LoadedSpec } from '../spec/load.js';
import { checkAgainstSchema } from '../spec/schema-check.js';
import { accessLogFormatName } from '../spec/names.js';
import type { SpecDocument } from '../spec/types.js';
import { Backend } from './backend.js';
import { listenAddress, listenerKey, type ListenerMap, type LoopbackEndpoint } from './listeners.js';
import type { Scenario } from './scenario/types.js';

/** The self-signed certificate every TLS listener uses during a diff run; clients trust exactly this one. */
export const testCertificatePaths = {
  certificate: packagePath('assets', 'placeholder-tls', 'placeholder.crt'),
  key: packagePath('assets', 'placeholder-tls', 'placeholder.key'),
  directory: packagePath('assets', 'placeholder-tls'),
};

/** Access log the harness adds to every Plan it runs, relative to the nginx prefix. */
export const diffAccessLogPath = 'logs/h2sticky-diff-access.log';

export interface ResolvedSpec {
  document: SpecDocument;
  /** Base name of the spec file, or `SCENARIO (inline spec)`. */
  fileName: string;
  /**
   * The spec as the user wrote it, which locates problems at its own lines.
   * An inline spec sits below `/spec` of its scenario file, so its problems
   * get that prefix. Absent for a generated spec.
   */
  source?: { loaded: LoadedSpec; pointerPrefix: '' | '/spec' };
}

/**
 * Finds the spec of a scenario: the one given on the command line, else the
 * scenario's own (a file or inline). Returns problems when there is none or
 * it cannot be read.
 */
export async function resolveScenarioSpec(scenario: Scenario, override?: ResolvedSpec): Promise<{ spec?: ResolvedSpec; problems: Problem[] }> {
  if (override) return { spec: override, problems: [] };

  const source = scenario.spec;
  if (source.kind === 'inline') {
    // The inline spec's problems point into the scenario file, below "spec".
    const inline: LoadedSpec = {
      file: scenario.file,
      text: source.text,
      digest: '',
      data: source.document,
      locate: (pointer) => scenario.locate(`/spec${pointer}`),
    };
    const problems = checkAgainstSchema(inline).map((problem) => ({ ...problem, ...(problem.pointer !== undefined ? { pointer: `/spec${problem.pointer}` } : {}) }));
    if (problems.length > 0) return { problems };
    return {
      spec: { document: structuredClone(source.document), fileName: `${basename(scenario.file)} (inline spec)`, source: { loaded: inline, pointerPrefix: '/spec' } },
      problems: [],
    };
  }
  if (source.kind === 'file') return loadSpecDocument(source.path);

  const position = scenario.locate('');
  return {
    problems: [
      {
        code: 'scenario.no-spec',
        severity: 'error',
        message: 'the scenario names no spec, and none was given on the command line',
        hint: 'add "spec: path/to/spec.yaml" to the scenario, or run "h2sticky diff SPEC --scenario FILE"',
        file: scenario.file,
        line: position.line,
        column: position.column,
      },
    ],
  };
}

/**
 * Loads a spec file as a document, with the problems of loading it. A spec
 * that fails its schema gets every problem that validation finds, because
 * checking a scenario against it needs the spec's form. Otherwise the other
 * problems come later, from compiling for each nginx version.
 */
export async function loadSpecDocument(path: string): Promise<{ spec?: ResolvedSpec; problems: Problem[] }> {
  const loaded = await loadSpecFile(path);
  if (!loaded.spec) return { problems: loaded.problems };
  // With schema errors the spec cannot be used at all, so every problem of it is reported now, as "h2sticky validate" would.
  if (checkAgainstSchema(loaded.spec).length > 0) return { problems: validateLoadedSpec(loaded).problems };
  return { spec: { document: loaded.spec.data as SpecDocument, fileName: basename(path), source: { loaded: loaded.spec, pointerPrefix: '' } }, problems: [] };
}

/** The backends of one spec, by scenario name (UPSTREAM.N) and by canonical name. */
export class BackendSet {
  /** Every backend once, in spec order; each is named after the first server that uses its address. */
  readonly backends: Backend[] = [];
  private readonly byName = new Map<string, Backend>();
  private readonly byAddress = new Map<string, Backend>();

  /** Creates the backends of a spec without starting them; distinct server addresses get distinct backends. */
  static forSpec(document: SpecDocument): BackendSet {
    const set = new BackendSet();
    for (const [upstreamName, upstream] of Object.entries(document.upstreams ?? {})) {
      const protocol = upstream.protocol === 'http2' || upstream.protocol === 'grpc' ? 'h2c' : 'http1';
      for (const [index, server] of (upstream.servers ?? []).entries()) {
        const name = `${upstreamName}.${index + 1}`;
        let backend = set.byAddress.get(server.address);
        if (!backend) {
          backend = new Backend({ id: name, protocol, body: 'identity' });
          set.byAddress.set(server.address, backend);
          set.backends.push(backend);
        }
        set.byName.set(name, backend);
      }
    }
    return set;
  }

  /** Returns the backend a scenario name (UPSTREAM.N) refers to. */
  get(name: string): Backend | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Finds a backend by the `ip:port` nginx shows in $upstream_addr. */
  byPeerName(peerName: string): Backend | undefined {
    return this.backends.find((backend) => backend.address === peerName);
  }

  async start(): Promise<void> {
    await Promise.all(this.backends.map((backend) => backend.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.backends.map((backend) => backend.stop()));
  }

  /** Returns every backend to responding normally, listening, with no requests recorded. */
  async reset(): Promise<void> {
    for (const backend of this.backends) {
      backend.fault = { kind: 'none' };
      backend.takeRequests();
    }
    await this.start();
  }

  /** Returns the spec with each server address replaced by its backend's loopback address; call after start(). */
  rewrite(document: SpecDocument): SpecDocument {
    const copy = structuredClone(document);
    for (const upstream of Object.values(copy.upstreams ?? {})) {
      for (const server of upstream.servers ?? []) {
        const backend = this.byAddress.get(server.address);
        if (backend) server.address = backend.address;
      }
    }
    return copy;
  }
}

/**
 * Makes a spec runnable on loopback: every listener on its own socket of the
 * first server under test (see allocateListeners), the test certificate, one
 * worker process (balancer state is per worker), and no HTTP/3. Main-context
 * paths are left to the nginx runner.
 */
export function loopbackSpec(document: SpecDocument, listeners: ListenerMap): SpecDocument {
  const copy = structuredClone(document);
  copy.runtime = { worker_processes: 1 };
  delete copy.logging;

  for (const server of copy.servers ?? []) {
    server.listen = (server.listen ?? []).map((listener) => {
      const { http3: _http3, ...rest } = listener;
      const endpoint = listeners.get(listenerKey(listener));
      if (!endpoint) throw new InternalError(`the diff harness has no loopback socket for listener ${listenerKey(listener)}`);
      return { ...rest, address: listenAddress(endpoint), port: endpoint.port };
    });
    if (server.tls) server.tls = { ...server.tls, certificate: testCertificatePaths.certificate, key: testCertificatePaths.key };
  }
  return copy;
}

export interface CompiledPlans {
  plan?: Plan;
  problems: Problem[];
}

/**
 * Compiles a loopback spec for one nginx version and adds the harness's JSON
 * access log, which records `$upstream_addr` and `$upstream_status` for
 * every request.
 *
 * The loopback spec is a rewrite, so its problems are not reported as they
 * are: their lines and ports are not the user's. Each is replaced by the
 * problem with the same code and pointer that the user's own spec has for
 * this version. An error that the user's spec lacks was made by the rewrite,
 * which is a bug, and raises InternalError.
 */
export function compileForVersion(spec: ResolvedSpec, document: SpecDocument, nginxVersion: string, scenarioFile: string): CompiledPlans {
  const rewrittenName = `${spec.fileName} (rewritten for loopback)`;
  const result = compileSpecText(stringify(document), rewrittenName, { target: { nginxVersion } });
  const own = userProblems(spec, nginxVersion, scenarioFile);
  const counterpart = (problem: Problem) => own.find((candidate) => candidate.code === problem.code && candidate.rawPointer === problem.pointer)?.problem;

  const errors = result.problems.filter((problem) => problem.severity === 'error');
  const unexplained = errors.filter((problem) => counterpart(problem) === undefined);
  if (unexplained.length > 0) {
    throw new InternalError(
      `the diff harness rewrote ${spec.fileName} for loopback, and the rewrite does not compile for nginx ${nginxVersion} although the spec itself has no such error:\n` +
        unexplained.map((problem) => `  ${formatProblem(problem).replace(/\n/g, '\n  ')}`).join('\n'),
    );
  }

  const mapped = result.problems.flatMap((problem) => counterpart(problem) ?? []);
  if (hasErrors(result.problems) || !result.plan) return { problems: mapped };
  const plan = result.plan;
  plan.logging = { accessLog: diffAccessLogPath, format: accessLogFormatName };
  return { plan, problems: mapped };
}

/** The spec's own problems for one nginx version, located in the file the user wrote, with the pointer the rewrite shares. */
function userProblems(spec: ResolvedSpec, nginxVersion: string, scenarioFile: string): { code: string; rawPointer: string | undefined; problem: Problem }[] {
  const source = spec.source ?? { loaded: loadSpecText(stringify(spec.document), spec.fileName).spec!, pointerPrefix: '' as const };
  const file = source.pointerPrefix === '/spec' ? scenarioFile : spec.fileName;
  return validateLoadedSpec({ spec: source.loaded, problems: [] }, { nginxVersion }).problems.map((problem) => ({
    code: problem.code,
    rawPointer: problem.pointer,
    problem: {
      ...problem,
      file,
      ...(problem.pointer !== undefined ? { pointer: `${source.pointerPrefix}${problem.pointer}` } : {}),
    },
  }));
}

/** Copies a Plan and moves its listeners to another server under test's sockets, given as a map from the first side's `listen` address and port. */
export function withListeners(plan: Plan, moves: ReadonlyMap<string, LoopbackEndpoint>): Plan {
  const copy = structuredClone(plan);
  for (const server of copy.servers) {
    for (const listener of server.listeners) {
      const endpoint = moves.get(listenerKey(listener));
      if (!endpoint) throw new InternalError(`the diff harness has no socket of the second server under test for listener ${listenerKey(listener)}`);
      listener.address = listenAddress(endpoint);
      listener.port = endpoint.port;
    }
  }
  return copy;
}
