// Reads one file and parses it with the parser named on the command line, so
// that the benchmark can time a whole process for each npm parser.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [, , parserName, file] = process.argv;
const text = readFileSync(file, 'utf8');

if (parserName === 'nginx-conf') {
  const { NginxParser } = require('nginx-conf');
  new NginxParser().parse(text, (error) => {
    if (error) throw error;
  });
} else if (parserName === 'webantic') {
  const ConfigParser = require('@webantic/nginx-config-parser');
  new ConfigParser().toJSON(text);
} else {
  process.stderr.write(`unknown parser "${parserName}"; use nginx-conf or webantic\n`);
  process.exit(2);
}
