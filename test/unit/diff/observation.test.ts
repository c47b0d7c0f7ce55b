import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { compareObservations } from '../../../src/diff/compare.js';
import { explain, explainRequest, explanationFacts, loadExplainedDifferences } from '../../../src/diff/explained.js';
import { matchAccessRecords, observe, parseAttempts, parseSetCookie, type Observation } from '../../../src/diff/observation.js';
import type { BackendRequestRecord } from '../../../src/diff/backend.js';
import { BackendSet } from '../../../src/diff/testbed.js';
import { compileSpecText } from '../../../src/compile.js';
import type { SpecDocument } from '../../../src/spec/types.js';

const spec: SpecDocument = {
  h2sticky: 1,
  upstreams: { app: { servers: [{ address: '10.0.0.1:8080' }, { address: '10.0.0.2:8080' }, { address: '10.0.0.1:8080' }] } },
  servers: [{ listen: [{ port: 8080 }], locations: [{ path: '/', upstream: 'app' }] }],
};

/** Creates a backend set whose backends pretend to listen on fixed ports, without starting them. */
function backendSet(): BackendSet {
  const set = BackendSet.forSpec(spec);
  set.backends.forEach((backend, index) => {
    backend.port = 40001 + index;
  });
  return set;
}

const affinity = new Map([['srv_id', new Map([['sid-a', 'app.1']])]]);

describe('parseSetCookie', () => {
  it('reads lifetime from max-age and keeps attribute order', () => {
    const cookie = parseSetCookie('srv_id=sid-a; expires=Fri, 04-Dec-26 22:01:07 GMT; max-age=3600; httponly; secure; samesite=lax; path=/', 'Fri, 04 Dec 2026 21:01:07 GMT', affinity);
    expect(cookie.name).toBe('srv_id');
    expect(cookie.value).toBe('sid-a');
    expect(cookie.binds).toBe('app.1');
    expect(cookie.lifetime).toBe(3600);
    expect(cookie.expiresIn).toBe(3600);
    expect(cookie.attributes).toEqual(['expires', 'max-age=3600', 'httponly', 'secure', 'samesite=lax', 'path=/']);
  });

  it('marks an affinity value that names no backend', () => {
    const cookie = parseSetCookie('srv_id=other; path=/', undefined, affinity);
    expect(cookie.binds).toBe('unknown');
    expect(cookie.lifetime).toBe('session');
  });

  it('leaves other cookies unbound', () => {
    const cookie = parseSetCookie('theme=dark', undefined, affinity);
    expect(cookie.binds).toBeUndefined();
    expect(cookie.attributes).toEqual([]);
  });

  it('derives lifetime from expires without max-age', () => {
    const cookie = parseSetCookie('a=b; Expires=Fri, 04 Dec 2026 21:02:07 GMT', 'Fri, 04 Dec 2026 21:01:07 GMT', affinity);
    expect(cookie.lifetime).toBe(60);
  });
});

describe('backend names', () => {
  it('gives one backend to a repeated address', () => {
    const set = backendSet();
    expect(set.names()).toEqual(['app.1', 'app.2', 'app.3']);
    expect(set.backends).toHaveLength(2);
    expect(set.get('app.3')).toBe(set.get('app.1'));
  });

  it('turns upstream_addr into attempts', () => {
    const attempts = parseAttempts({ method: 'GET', uri: '/', status: 502, upstreamAddr: '127.0.0.1:40001, 127.0.0.1:40002 : app', upstreamStatus: '502, 502 : -' }, backendSet());
    expect(attempts).toEqual([
      { peer: 'app.1', status: '502' },
      { peer: 'app.2', status: '502' },
      { peer: 'upstream app', status: '-' },
    ]);
  });

  it('matches access records by last peer', () => {
    const set = backendSet();
    const records = [
      { method: 'GET', uri: '/x', status: 200, upstreamAddr: '127.0.0.1:40002', upstreamStatus: '200' },
      { method: 'GET', uri: '/x', status: 200, upstreamAddr: '127.0.0.1:40001', upstreamStatus: '200' },
    ];
    const response = (backend: string) => ({ status: 200, headers: { 'x-backend': backend }, body: Buffer.alloc(0) });
    const matched = matchAccessRecords(
      [
        { method: 'GET', path: '/x', response: response('app.1') },
        { method: 'GET', path: '/x', response: response('app.2') },
      ],
      records,
      set,
    );
    expect(matched).toEqual([records[1], records[0]]);
  });
});

function observation(overrides: Partial<Observation> = {}): Observation {
  return {
    status: 200,
    backend: 'app.1',
    tried: [{ peer: 'app.1', status: '200' }],
    cookies: [{ name: 'srv_id', value: 'sid-a', binds: 'app.1', lifetime: 3600, attributes: ['expires', 'max-age=3600', 'path=/'], expiresIn: 3600 }],
    headers: { server: 'nginx/1.30.6' },
    received: [],
    body: { bytes: 10, digest: 'abc' },
    ...overrides,
  };
}

describe('compareObservations', () => {
  it('finds no difference between equal observations', () => {
    expect(compareObservations(observation(), observation())).toEqual([]);
  });

  it('names each differing field', () => {
    const other = observation({ status: 502, backend: 'app.2', headers: { server: 'nginx/1.30.6', via: 'x' } });
    expect(compareObservations(observation(), other).map((difference) => difference.field)).toEqual(['status', 'backend', 'headers.via']);
  });

  it('tolerates expires dates two seconds apart', () => {
    const later = (expiresIn: number) => observation({ cookies: [{ ...observation().cookies[0]!, expiresIn }] });
    expect(compareObservations(observation(), later(3602))).toEqual([]);
    expect(compareObservations(observation(), later(3603)).map((difference) => difference.field)).toEqual(['cookies[srv_id].expiresIn']);
  });

  it('tells a Host header from :authority', () => {
    const received = (headers: Record<string, string>): Observation => {
      const record: BackendRequestRecord = { sequence: 1, method: 'GET', path: '/', headers, bodyBytes: 0, httpVersion: '2.0', remoteAddress: '127.0.0.1', remotePort: 40000 };
      const response = { status: 200, headers: {}, body: Buffer.alloc(0) };
      return observe({ response, access: undefined, received: [record], responseHeaders: [], backends: backendSet(), affinity });
    };
    const withHost = received({ host: 'shop.example.com' });
    const withAuthority = received({ ':authority': 'shop.example.com' });

    expect(withHost.received[0]).toMatchObject({ host: 'shop.example.com', authority: '' });
    expect(withAuthority.received[0]).toMatchObject({ host: '', authority: 'shop.example.com' });
    expect(compareObservations(withHost, withAuthority).map((difference) => difference.field)).toEqual(['received']);
  });

  it('compares cookie attributes', () => {
    const emulated = observation({ cookies: [{ ...observation().cookies[0]!, attributes: ['max-age=3600', 'path=/'] }] });
    const differences = compareObservations(observation(), emulated);
    expect(differences).toEqual([{ field: 'cookies[srv_id].attributes', values: [['expires', 'max-age=3600', 'path=/'], ['max-age=3600', 'path=/']] }]);
  });
});

describe('explained differences', () => {
  it('loads the shipped file', async () => {
    const { entries, problems } = await loadExplainedDifferences();
    expect(problems).toEqual([]);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.reason.length).toBeGreaterThan(40);
  });

  it('explains only under its conditions', async () => {
    const { entries } = await loadExplainedDifferences();
    const randomSpec = { ...spec, upstreams: { app: { ...spec.upstreams.app!, balance: 'random' as const } } };
    const compile = (document: SpecDocument) => ({ scope: 'proxy' as const, ...explanationFacts(compileSpecText(JSON.stringify(document), 'spec.json').plan!) });
    const difference = { field: 'backend', values: ['app.1', 'app.2'] as [unknown, unknown] };
    expect(explain(difference, entries, compile(randomSpec))?.id).toBe('random-balancing-seed');
    expect(explain(difference, entries, compile(spec))).toBeUndefined();
    expect(explain({ field: 'status', values: [200, 502] }, entries, compile(randomSpec))).toBeUndefined();
    expect(explain(difference, entries, { ...compile(randomSpec), scope: 'versions' })).toBeUndefined();
  });

  it('explains a request that nghttp2 reset', async () => {
    const { entries } = await loadExplainedDifferences();
    const context = { scope: 'proxy' as const, ...explanationFacts(compileSpecText(JSON.stringify(spec), 'spec.json').plan!) };
    const rejected: Observation = {
      status: undefined,
      error: 'stream reset: PROTOCOL_ERROR',
      cookies: [],
      headers: {},
      received: [],
      body: { bytes: 0, digest: 'e3b0c44298fc1c14' },
    };
    const answered = observation({ status: 400, backend: undefined, tried: [], cookies: [], headers: { server: 'nginx/1.30.6', 'content-type': 'text/html' } });
    const differences = compareObservations(answered, rejected);

    expect(differences.map((difference) => difference.field)).toEqual(['status', 'error', 'tried', 'headers.content-type', 'headers.server', 'body']);
    const found = explainRequest(differences, entries, context);
    for (const [index, difference] of differences.entries()) expect(found[index]?.id, difference.field).toMatch(/^nghttp2-rejects-request/);
  });

  it('leaves a missing answer unexplained without the reset', async () => {
    const { entries } = await loadExplainedDifferences();
    const context = { scope: 'proxy' as const, ...explanationFacts(compileSpecText(JSON.stringify(spec), 'spec.json').plan!) };
    // No error difference shows that nghttp2 rejected the request.
    const differences = [
      { field: 'status', values: [200, undefined] as [unknown, unknown] },
      { field: 'tried', values: [[{ peer: 'app.1', status: '200' }], undefined] as [unknown, unknown] },
    ];

    expect(explainRequest(differences, entries, context)).toEqual([undefined, undefined]);
  });

  it('explains a version error page only with the Server header', async () => {
    const { entries } = await loadExplainedDifferences();
    const context = { scope: 'versions' as const, nginxVersion: '1.30.6', sticky: 'native' as const, balancers: ['round_robin'] };
    const server = { field: 'headers.server', values: ['nginx/1.26.3', 'nginx/1.30.6'] as [unknown, unknown] };
    const body = { field: 'body', values: [{ bytes: 157, digest: 'a' }, { bytes: 157, digest: 'b' }] as [unknown, unknown] };
    const backend = { field: 'backend', values: ['app.1', 'app.2'] as [unknown, unknown] };

    expect(explainRequest([server, body], entries, context).map((entry) => entry?.id)).toEqual(['server-header-version', 'server-version-error-page']);
    expect(explainRequest([body], entries, context)).toEqual([undefined]);
    expect(explainRequest([backend, server, body], entries, context).map((entry) => entry?.id)).toEqual([undefined, 'server-header-version', undefined]);
  });

  it('rejects with_explained naming no entry', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'h2sticky-explained-')), 'extra.yaml');
    writeFileSync(file, ['h2sticky-explained: 1', 'differences:', '  - id: extra', '    fields: [body]', '    when: { with_explained: no-such-entry }', '    reason: A reason that is long enough to pass the schema.', ''].join('\n'));
    const { problems } = await loadExplainedDifferences(file);

    expect(problems.map((problem) => problem.code)).toEqual(['explained.unknown-entry']);
    expect(problems[0]!.line).toBe(5);
  });

  it('accepts with_explained naming a shipped entry', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'h2sticky-explained-')), 'extra.yaml');
    writeFileSync(file, ['h2sticky-explained: 1', 'differences:', '  - id: extra', '    fields: [body]', '    when: { with_explained: nghttp2-rejects-request }', '    reason: A reason that is long enough to pass the schema.', ''].join('\n'));
    const { entries, problems } = await loadExplainedDifferences(file);

    expect(problems).toEqual([]);
    expect(entries[0]!.when.withExplained).toBe('nghttp2-rejects-request');
  });

  it('does not explain a PROTOCOL_ERROR after a response', async () => {
    const { entries } = await loadExplainedDifferences();
    const context = { scope: 'proxy' as const, ...explanationFacts(compileSpecText(JSON.stringify(spec), 'spec.json').plan!) };
    const difference = { field: 'error', values: ['stream reset: INTERNAL_ERROR', 'stream reset: PROTOCOL_ERROR'] as [unknown, unknown] };

    expect(explain(difference, entries, context)).toBeUndefined();
  });

  it('explains the GOAWAY code of a reset flood only', async () => {
    const { entries } = await loadExplainedDifferences();
    const context = { scope: 'proxy' as const, ...explanationFacts(compileSpecText(JSON.stringify(spec), 'spec.json').plan!) };
    const flood = { field: 'error', values: ['connection closed by GOAWAY NO_ERROR', 'connection closed by GOAWAY INTERNAL_ERROR'] as [unknown, unknown] };
    const other = { field: 'error', values: ['connection closed by GOAWAY NO_ERROR', 'connection closed by GOAWAY PROTOCOL_ERROR'] as [unknown, unknown] };

    expect(explain(flood, entries, context)?.id).toBe('nghttp2-reset-flood-goaway');
    expect(explain(other, entries, context)).toBeUndefined();
  });
});
