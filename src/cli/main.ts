import { createRequire } from 'node:module';

import type yargsFactory from 'yargs';

import { EnvironmentError, ExitCode, InputError, InternalError, formatProblem, type ExitCodeValue } from '../problems.js';
import { toolVersion } from '../version.js';
import { closestMatch } from '../util/suggest.js';
import type { CliIO, CommandDefinition } from './command.js';
import { invalidOptionValue, listOfChoices } from './shared-options.js';

// The CommonJS build of yargs wraps help text at word boundaries; its ES module build breaks words apart.
const yargs = createRequire(import.meta.url)('yargs/yargs') as typeof yargsFactory;

const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
};

const epilogue = `Exit codes:
  0  success
  1  findings: nginx rejected a built config (build --check), lint findings, or diff divergences
  2  invalid input or usage
  3  the environment is not ready: a required program or image is missing (nginx, Docker, an
     h2sticky/nginx image), the Docker engine is not reachable, no nginx of the target's version
     line or edition exists for build --check, or a port the proxy needs is in use; the message
     says how to fix it
  4  internal error in h2sticky (please report it with the command that caused it)`;

/**
 * Commands whose module is loaded on its own when it is the first argument.
 * Importing the full command list loads the compiler, the proxy and the diff
 * harness with their packages, which took about 0.3 s on a 2-core machine
 * before a lint of even a small file could start.
 */
const standaloneCommands: ReadonlyMap<string, () => Promise<CommandDefinition<unknown>>> = new Map([
  ['lint', async () => (await import('./lint.js')).lintCommand],
  ['parse', async () => (await import('./parse.js')).parseCommand],
]);

/** Loads the commands that `argv` may run: one standalone command, or else every command, for help and suggestions. */
export async function commandsFor(argv: readonly string[]): Promise<readonly CommandDefinition<unknown>[]> {
  const load = argv[0] === undefined ? undefined : standaloneCommands.get(argv[0]);
  if (load) return [await load()];
  return (await import('./commands.js')).commands;
}

/** Runs the CLI with the given arguments and returns the process exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  return runCommands(argv, io, await commandsFor(argv));
}

/** Runs the CLI with only the given commands registered. */
export async function runCommands(argv: readonly string[], io: CliIO, commands: readonly CommandDefinition<unknown>[]): Promise<number> {
  let usageError: string | undefined;
  let running: Promise<number> | undefined;

  const parser = yargs()
    .scriptName('h2sticky')
    .usage('$0 <command> [options]\n\nCompile session-affinity specs to nginx configuration, lint nginx files, and compare nginx with the h2sticky reference proxy.')
    .version(toolVersion)
    // yargs translates its messages to the locale of LANG; English keeps them in one language with h2sticky's own and lets rewriteUsageError read them.
    .locale('en')
    .updateStrings({
      'Arguments %s and %s are mutually exclusive': '--%s and --%s cannot be used together; pass only one of them',
    })
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .epilogue(epilogue)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error: Error | string | undefined) => {
      // yargs reports its own usage failures as YError, and a string returned by check() as a string; anything else is a bug.
      if (error instanceof Error && error.name !== 'YError') throw error;
      message ??= typeof error === 'string' ? error : (error?.message ?? 'invalid usage');
      // getOptions() is public in yargs but missing from its type definitions; during a command it lists that command's options.
      const known = Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
      usageError = rewriteUsageError(message, known, argv);
    });

  for (const definition of commands) {
    parser.command({
      command: definition.command as string | readonly string[],
      describe: definition.describe,
      builder: definition.builder,
      // The handler only starts the command; main awaits it after parsing, so yargs never needs to.
      handler: (args: unknown) => {
        // yargs calls the handler even after fail() recorded a validation failure.
        if (usageError !== undefined) return;
        running = definition.run(args, io);
      },
    });
  }

  const unknownCommand = findUnknownCommand(argv, commands);
  if (unknownCommand !== undefined) {
    const suggestion = closestMatch(unknownCommand, commandNames(commands));
    io.err(`h2sticky: unknown command "${unknownCommand}"${suggestion ? `; did you mean "${suggestion}"?` : ''}\nRun "h2sticky --help" for the list of commands.\n`);
    return ExitCode.invalidInput;
  }

  let output = '';
  try {
    // With a callback, yargs hands help and version text to it instead of printing them itself.
    parser.parse([...argv], {}, (_error, _args, text) => {
      output = text;
    });
  } catch (error) {
    return reportError(error, io);
  }

  if (usageError !== undefined) {
    io.err(`h2sticky: ${usageError}\nRun "h2sticky --help" or "h2sticky <command> --help" for usage.\n`);
    return ExitCode.invalidInput;
  }
  if (output) io.out(output.endsWith('\n') ? output : `${output}\n`);
  if (!running) return ExitCode.ok;

  try {
    return await running;
  } catch (error) {
    return reportError(error, io);
  }
}

function commandNames(commands: readonly CommandDefinition<unknown>[]): string[] {
  return commands.map((definition) => String(Array.isArray(definition.command) ? definition.command[0] : definition.command).split(' ')[0]!);
}

/** Returns the first word when it is neither an option nor a known command. */
function findUnknownCommand(argv: readonly string[], commands: readonly CommandDefinition<unknown>[]): string | undefined {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return undefined;
  return commandNames(commands).includes(first) ? undefined : first;
}

/** Rewrites the usage errors of yargs whose wording differs from h2sticky's own. */
function rewriteUsageError(message: string, known: readonly string[], argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) return withSuggestions(unknown[1]!, known, argv);
  if (message.startsWith('Invalid values:')) return withChoices(message);
  const missing = /^Missing required arguments?: (.*)$/.exec(message);
  if (missing) return `missing argument ${missing[1]!.split(', ').map((name) => name.toUpperCase()).join(' and ')}`;
  return message;
}

/**
 * Rewrites yargs' invalid-choice message, one "Argument: NAME, Given:
 * VALUES, Choices: VALUES" line per option with the values as JSON, into
 * `invalid --NAME "VALUE": expected a, b or c`.
 */
function withChoices(message: string): string {
  const parts: string[] = [];
  for (const [, name, given, choices] of message.matchAll(/^ {2}Argument: (\S+), Given: (.*), Choices: (.*)$/gm)) {
    const givenValues = JSON.parse(`[${given!}]`) as unknown[];
    const choiceValues = JSON.parse(`[${choices!}]`) as unknown[];
    for (const value of givenValues) parts.push(invalidOptionValue(name!, value, listOfChoices(choiceValues)));
  }
  return parts.length > 0 ? parts.join('; ') : message;
}

/**
 * Rewrites the names listed in yargs' unknown-argument message: options get a "did
 * you mean" from the command's own options, and extra words are called
 * arguments.
 */
function withSuggestions(list: string, known: readonly string[], argv: readonly string[]): string {
  const listed = list.split(', ');
  // yargs lists a misspelt option twice, as written and camelCased; keep the spelling the user wrote.
  const written = listed.filter((name, index) => !listed.slice(0, index).some((other) => camelCase(other) === name && other !== name));
  const isOption = (name: string) => argv.some((word) => word === `--${name}` || word.startsWith(`--${name}=`) || word === `-${name}`);

  const parts: string[] = [];
  for (const name of written) {
    if (!isOption(name)) {
      parts.push(`unexpected argument "${name}"`);
      continue;
    }
    const suggestion = closestMatch(name, known.filter((key) => key.length > 1 && !/[A-Z]/.test(key)));
    parts.push(`unknown option --${name}${suggestion ? ` (did you mean --${suggestion}?)` : ''}`);
  }
  return parts.join('; ');
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function reportError(error: unknown, io: CliIO): ExitCodeValue | 4 {
  if (error instanceof InputError) {
    for (const problem of error.problems) io.err(`${formatProblem(problem)}\n`);
    io.err(`h2sticky: ${error.message}\n`);
    return ExitCode.invalidInput;
  }
  if (error instanceof EnvironmentError) {
    io.err(`h2sticky: ${error.message}\n  fix: ${error.fix}\n`);
    return ExitCode.environment;
  }
  if (error instanceof InternalError) {
    io.err(`h2sticky: internal error: ${error.message}\nThis is a bug in h2sticky; please report it with the input and this output.\n`);
    return 4;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.err(`h2sticky: internal error: ${detail}\n`);
  return 4;
}
