import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/command.js';

/** Runs the CLI in-process with captured output. */
export async function runCli(args: readonly string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    errIsTTY: false,
    cwd,
  };
  const code = await main(args, io);
  return { code, out, err };
}
