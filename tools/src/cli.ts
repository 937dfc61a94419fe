#!/usr/bin/env node
import type * as CliDepsModule from './cli-deps';
import type { CliDeps } from './cli-deps';
import type * as CommandsModule from './commands';
import { version } from '../../package.json';
import { EXIT, exitCodesHelp } from './args/exit-codes';
import { superviseProcess } from './process/supervisor';

// The commands, and the AWS SDK they bring, load only once the process's signals are in the supervisor's
// care (below): loading takes a second or more on a busy machine, and a Ctrl-C in that time must end the
// process with 130, as at any later moment.
const loadCommands = (): typeof CommandsModule.COMMANDS =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./commands') as typeof CommandsModule).COMMANDS;

function usage(): string {
  const commands = loadCommands();
  return `Usage: npm run rehearse -- <command> [options]
       npm run rehearse -- --version

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join('\n')}

Run "npm run rehearse -- <command> --help" for a command's options. Add --json to read a result as JSON;
run it as "npm run --silent rehearse -- ..." so npm prints nothing before it.

${exitCodesHelp('the command did what it was asked', "it failed; each command's help says when")}`;
}

/** Runs one rehearsal command and returns its exit code; no command means the local rehearsal. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [name = 'local', ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    deps.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    deps.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const commands = loadCommands();
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    deps.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return EXIT.usage;
  }
  return command.run(rest, deps);
}

/**
 * Runs the CLI as this process: the supervisor first, then the command; the process's exit code is the
 * command's. The entry of `node dist/tools/src/cli.js` and of the `rehearse` launcher.
 */
export function runCli(argv: readonly string[]): void {
  // Before anything else: whatever a command starts must end with this process, however it ends.
  const supervision = superviseProcess(process, process.stderr);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultDeps } = require('./cli-deps') as typeof CliDepsModule;
  main(argv, defaultDeps(supervision)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
