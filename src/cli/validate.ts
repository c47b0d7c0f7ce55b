import { ExitCode, hasErrors } from '../problems.js';
import { describeTarget } from '../spec/target.js';
import { defineCommand } from './command.js';
import { countSummary, printProblems, rejectionSummary } from './report.js';
import { targetOptions, targetOverride } from './shared-options.js';

export const validateCommand = defineCommand({
  command: 'validate <spec>',
  describe: 'Check a spec without writing anything: schema, references, duplicates and features of the target nginx',
  builder: (yargs) =>
    targetOptions(
      yargs
        .positional('spec', { type: 'string', demandOption: true, describe: 'spec file (YAML or JSON)' })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'text prints each problem to stderr on two lines, the located message and then its fix; json prints {valid, target, problems[]} to stdout',
        }),
    )
      .example('$0 validate shop.yaml', 'check shop.yaml for the nginx version it names')
      .example('$0 validate shop.yaml --nginx-version 1.22.1', 'check that it also works on Debian bookworm'),
  run: async (args, io) => {
    // Loaded here rather than at the top, so that other commands start without the compiler's packages.
    const [{ validateLoadedSpec }, { loadSpecFile }] = await Promise.all([import('../compile.js'), import('../spec/load.js')]);
    const validation = validateLoadedSpec(await loadSpecFile(args.spec), targetOverride(args));
    const valid = !hasErrors(validation.problems);

    if (args.format === 'json') {
      const target = validation.target ? describeTarget(validation.target) : null;
      io.out(`${JSON.stringify({ valid, target, problems: validation.problems }, null, 2)}\n`);
    } else {
      printProblems(io, validation.problems);
      if (valid) {
        io.err(`${args.spec}: valid for ${validation.target ? describeTarget(validation.target) : 'its target'} (${countSummary(validation.problems)})\n`);
      } else {
        io.err(`${args.spec} ${rejectionSummary(validation.problems)}\n`);
      }
    }
    return valid ? ExitCode.ok : ExitCode.invalidInput;
  },
});
