#!/usr/bin/env node
import { type CliDeps, defaultDeps } from './cli-deps';
import { COMMANDS } from './commands';
import { superviseProcess } from './process/supervisor';

const USAGE = `Usage: npm run rehearse -- <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join('\n')}

Run "npm run rehearse -- <command> --help" for a command's options.`;

/** Runs one rehearsal command and returns its exit code; no command means the local rehearsal. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [name = 'local', ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    deps.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    deps.stderr.write(`Unknown command "${name}".\n\n${USAGE}\n`);
    return 2;
  }
  return command.run(rest, deps);
}

if (require.main === module) {
  // Before anything starts: whatever a command starts must end with this process, however it ends.
  const supervision = superviseProcess(process, process.stderr);
  main(process.argv.slice(2), defaultDeps(supervision)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
