// Measures warm in-process parse throughput of one parser on one file: a few
// untimed parses first, then timed repetitions. Prints one JSON line with the
// median time of a parse in milliseconds and the resulting MB/s.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const [, , parserName, file, repetitionsText = '9'] = process.argv;
const text = readFileSync(file, 'utf8');
const repetitions = Number(repetitionsText);

async function loadParser(name) {
  if (name === 'h2sticky') {
    const { parseConfigText } = await import('../../dist/lint/parser.js');
    return () => parseConfigText(text, file, { singleFile: true });
  }
  if (name === 'nginx-conf') {
    const { NginxParser } = require('nginx-conf');
    return () => new NginxParser().parse(text, (error) => {
      if (error) throw error;
    });
  }
  if (name === 'webantic') {
    const ConfigParser = require('@webantic/nginx-config-parser');
    return () => new ConfigParser().toJSON(text);
  }
  throw new Error(`unknown parser "${name}"; use h2sticky, nginx-conf or webantic`);
}

const parse = await loadParser(parserName);
for (let warmup = 0; warmup < 3; warmup++) parse();

const times = [];
for (let round = 0; round < repetitions; round++) {
  const start = performance.now();
  parse();
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const megabytes = Buffer.byteLength(text) / 1_000_000;
process.stdout.write(`${JSON.stringify({ parser: parserName, medianMs: median, megabytesPerSecond: megabytes / (median / 1000) })}\n`);
