import { describe, expect, it } from 'vitest';

import type { ExplainedDifference } from '../../../src/diff/explained.js';
import type { Observation } from '../../../src/diff/observation.js';
import { formatJunitReport } from '../../../src/diff/report/junit.js';
import { formatMatrix } from '../../../src/diff/report/matrix.js';
import { formatTextReport } from '../../../src/diff/report/text.js';
import type { RequestResult, ScenarioRunResult } from '../../../src/diff/result.js';

function observation(backend: string, overrides: Partial<Observation> = {}): Observation {
  return {
    status: 200,
    backend,
    tried: [{ peer: backend, status: '200' }],
    cookies: [{ name: 'srv_id', value: `sid-${backend}`, binds: backend, lifetime: 3600, attributes: ['max-age=3600', 'path=/'] }],
    headers: { server: 'nginx/1.30.6' },
    received: [],
    body: { bytes: 10, digest: 'abc' },
    ...overrides,
  };
}

function request(path: string, first: Observation, second: Observation, differences: RequestResult['differences'] = []): RequestResult {
  return { pointer: `/steps/${path}`, client: 'client', connection: 'main', method: 'GET', path, observations: [first, second], differences, expectationFailures: [] };
}

function run(version: string, requests: RequestResult[], overrides: Partial<ScenarioRunResult> = {}): ScenarioRunResult {
  return {
    scenario: 'case',
    file: 'case.yaml',
    nginxVersion: version,
    servers: [`nginx ${version} (local)`, 'h2sticky reference proxy (in process)'],
    roles: ['nginx', 'proxy'],
    status: 'passed',
    facts: { nginxVersion: version, sticky: version < '1.29.6' ? 'emulated' : 'native', balancers: ['round_robin'] },
    problems: [],
    steps: requests.map((entry, index) => ({ index, pointer: `/steps/${index}`, summary: `client/main: GET ${entry.path}`, requests: [entry] })),
    requestCount: requests.length,
    durationMs: 1200,
    ...overrides,
  };
}

describe('text report', () => {
  it('shows the first divergence side by side', () => {
    const diverged = run(
      '1.30.6',
      [
        request('/a', observation('app.1'), observation('app.1')),
        request('/b', observation('app.1'), observation('app.2'), [{ field: 'backend', values: ['app.1', 'app.2'] }]),
      ],
      { status: 'diverged' },
    );
    const text = formatTextReport([diverged]);
    expect(text).toContain('DIVERGED           case on nginx 1.30.6, 2 requests, 1.2 s');
    expect(text).toContain('1 unexplained difference; the first is at step 2 (case.yaml, /steps//b)');
    expect(text).toMatch(/^ {6}1 {2}client\/main: GET \/a$/m);
    expect(text).toMatch(/^ {11}nginx: 200 app\.1 srv_id->app\.1 {2}\| {2}proxy: 200 app\.1 srv_id->app\.1$/m);
    expect(text).toMatch(/^ {2}> {3}2 {2}client\/main: GET \/b$/m);
    expect(text).toMatch(/^ {7}! backend +app\.1 +app\.2$/m);
    expect(text).toMatch(/^ {9}status +200 +200$/m);
    expect(text).toContain('0 passed, 1 diverged');
  });

  it('lists explained differences with their reason', () => {
    const explainedRun = run('1.30.6', [request('/a', observation('app.1'), observation('app.2'), [{ field: 'backend', values: ['app.1', 'app.2'], explained: { id: 'random-balancing-seed', reason: 'nginx seeds random() per worker.' } }])]);
    const text = formatTextReport([explainedRun]);
    expect(text).toContain('explained differences (not divergences):\n  random-balancing-seed (1x, backend): nginx seeds random() per worker.');
    expect(text).toContain('0 unexplained differences');
  });
});

describe('report grammar', () => {
  it('writes singular counts for one', () => {
    const diverged = run('1.30.6', [request('/a', observation('app.1'), observation('app.2'), [{ field: 'backend', values: ['app.1', 'app.2'] }])], { status: 'diverged' });
    const failed = run('1.30.6', [], { scenario: 'broken', status: 'error', reason: 'the scenario does not fit its spec' });
    const text = formatTextReport([diverged, failed]);

    expect(text).toContain('DIVERGED           case on nginx 1.30.6, 1 request, 1.2 s');
    expect(text).toContain('1 unexplained difference; the first is at step 1');
    expect(text).toContain('1 error, 0 not applicable; 1 request compared, 1 unexplained difference\n');
    expect(text).not.toMatch(/\b1 (requests|errors|differences|unexplained differences)\b/);
  });

  it('keeps plural counts for several', () => {
    const passed = run('1.30.6', [request('/a', observation('app.1'), observation('app.1')), request('/b', observation('app.1'), observation('app.1'))]);
    const text = formatTextReport([passed]);

    expect(text).toContain('ok                 case on nginx 1.30.6, 2 requests, 1.2 s');
    expect(text).toContain('0 errors, 0 not applicable; 2 requests compared, 0 unexplained differences\n');
  });

  it('names one unexplained difference in JUnit', () => {
    const diverged = run('1.30.6', [request('/a', observation('app.1'), observation('app.2'), [{ field: 'backend', values: ['app.1', 'app.2'] }])], { status: 'diverged' });
    expect(formatJunitReport([diverged])).toContain('<failure message="1 unexplained difference between nginx and proxy">');
  });
});

describe('expectation failures', () => {
  const failedRequest = (): RequestResult => ({
    ...request('/a', observation('app.1', { status: 502, backend: undefined, cookies: [] }), observation('app.1')),
    expectationFailures: [
      { role: 'nginx', expectation: 'backend', expected: 'app.1', actual: undefined },
      { role: 'nginx', expectation: 'status', expected: 200, actual: 502 },
    ],
  });

  it('show expected and actual values', () => {
    const text = formatTextReport([run('1.30.6', [failedRequest()], { status: 'expectation-failed' })]);

    expect(text).toContain('step 1 (/steps//a): nginx failed expectation status: expected 200, got 502 (response: 502 -)');
    expect(text).toContain('nginx failed expectation backend: expected "app.1", got none (response: 502 -)');
    expect(text).not.toContain('got null');
  });

  it('print a failure both sides share once', () => {
    const shared: RequestResult = {
      ...request('/a', observation('app.2'), observation('app.2')),
      expectationFailures: [
        { role: 'nginx', expectation: 'backend', expected: 'app.1', actual: 'app.2' },
        { role: 'proxy', expectation: 'backend', expected: 'app.1', actual: 'app.2' },
      ],
    };
    const text = formatTextReport([run('1.30.6', [shared], { status: 'expectation-failed' })]);

    expect(text).toContain('step 1 (/steps//a): nginx and proxy failed expectation backend: expected "app.1", got "app.2" (response: 200 app.2 srv_id->app.2)');
    expect(text).not.toContain('): nginx failed expectation');
  });

  it('name the first failure in JUnit', () => {
    const xml = formatJunitReport([run('1.30.6', [failedRequest()], { status: 'expectation-failed' })]);
    expect(xml).toContain('<failure message="step 1: nginx failed expectation backend: expected &quot;app.1&quot;, got none (response: 502 -); 1 more failed expectation">');
  });

  it('count shared failures once in JUnit', () => {
    // Both sides fail the same two expectations with the same response, and nginx fails one more: the text prints three lines.
    const shared: RequestResult = {
      ...request('/a', observation('app.2'), observation('app.2')),
      expectationFailures: [
        { role: 'nginx', expectation: 'backend', expected: 'app.1', actual: 'app.2' },
        { role: 'proxy', expectation: 'backend', expected: 'app.1', actual: 'app.2' },
        { role: 'nginx', expectation: 'cookie', expected: 'app.1', actual: 'app.2' },
        { role: 'proxy', expectation: 'cookie', expected: 'app.1', actual: 'app.2' },
        { role: 'nginx', expectation: 'status', expected: 201, actual: 200 },
      ],
    };
    const result = run('1.30.6', [shared], { status: 'expectation-failed' });
    const failureLines = formatTextReport([result]).split('\n').filter((line) => line.startsWith('    step 1 (') && line.includes('failed expectation'));
    const xml = formatJunitReport([result]);

    expect(failureLines).toHaveLength(3);
    expect(xml).toContain('<failure message="step 1: nginx and proxy failed expectation backend: expected &quot;app.1&quot;, got &quot;app.2&quot; (response: 200 app.2 srv_id-&gt;app.2); 2 more failed expectations">');
  });
});

describe('JUnit report', () => {
  it('escapes XML and counts failures per version', () => {
    const failed = run('1.22.1', [request('/<a>&"', observation('app.1'), observation('app.2'), [{ field: 'backend', values: ['app.1', 'app.2'] }])], { status: 'diverged' });
    const skipped = run('1.22.1', [], { scenario: 'drain', status: 'not-applicable', reason: 'the scenario applies to nginx >= 1.29.6' });
    const xml = formatJunitReport([failed, skipped]);
    expect(xml).toContain('<testsuite name="nginx 1.22.1" tests="2" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('GET /&lt;a&gt;&amp;&quot;');
    expect(xml).toContain('<skipped message="the scenario applies to nginx &gt;= 1.29.6"/>');
    expect(xml).not.toContain('GET /<a>');
  });
});

describe('version matrix', () => {
  const explained: ExplainedDifference[] = [
    { id: 'server-header-version', scope: 'versions', fields: ['headers.server'], when: {}, reason: 'nginx names its version in Server.' },
  ];

  it('marks differences from the newest version', () => {
    const old = (backend: string) => observation(backend, { headers: { server: 'nginx/1.22.1' } });
    const results = [
      run('1.22.1', [request('/a', old('app.1'), old('app.1')), request('/b', old('app.1'), old('app.1'))]),
      run('1.30.6', [request('/a', observation('app.1'), observation('app.1')), request('/b', observation('app.2'), observation('app.2'))]),
    ];
    const table = formatMatrix(results, explained);
    const lines = table.split('\n');
    expect(lines[1]).toMatch(/^step +nginx 1\.22\.1 +nginx 1\.30\.6$/);
    expect(lines[3]).toMatch(/^1 GET \/a +=v 200 app\.1 srv_id->app\.1 +=  200 app\.1 srv_id->app\.1$/);
    expect(lines[4]).toMatch(/^2 GET \/b +=\* 200 app\.1 srv_id->app\.1 +=  200 app\.2 srv_id->app\.2$/);
    expect(table).toContain('  nginx 1.22.1: headers.server (explained: server-header-version) at steps 1, 2');
    expect(table).toContain('  nginx 1.22.1: backend (not explained) at step 2');
    expect(table).not.toContain('.value');
  });
});

describe('text report problem order', () => {
  it('lists spec problems in line order', () => {
    const problem = (line: number) => ({ code: 'spec.check', severity: 'error' as const, message: `problem on line ${line}`, file: 'mine.yaml', line, column: 5 });
    const text = formatTextReport([run('1.22.1', [], { status: 'error', reason: 'the spec does not compile for nginx 1.22.1', problems: [26, 24, 25, 35].map(problem) })]);
    const order = [...text.matchAll(/problem on line (\d+)/g)].map((match) => Number(match[1]));

    expect(order).toEqual([24, 25, 26, 35]);
  });
});

describe('JUnit failure body', () => {
  it('leaves out the summary line', () => {
    const problem = { code: 'spec.check', severity: 'error' as const, message: 'invalid listener', file: 'mine.yaml', line: 3, column: 5 };
    const xml = formatJunitReport([run('1.22.1', [], { status: 'error', reason: 'the spec does not compile for nginx 1.22.1', problems: [problem] })]);

    expect(xml).toContain('invalid listener');
    expect(xml).not.toContain('passed, 0 diverged');
  });
});
