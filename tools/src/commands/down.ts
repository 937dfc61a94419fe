import { EXIT, exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { durationFlag, TIMER_DURATION } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { gitOrThrow, runGit } from '../git/run-git';
import { stopUp } from '../up/stop-up';
import { sleepUnlessAborted, type CliDeps, type Command } from '../cli-deps';

const DEFAULT_TIMEOUT = '2m';

const HELP = `Usage: npm run rehearse -- down [options]

Stops the "npm run rehearse -- up" running for this repository, from another terminal: sends it SIGTERM
(what Ctrl-C does: a release under way rolls back, then every task, container and listener stops) and
waits until it has exited. Its summary is printed where up runs.

Options:
  --timeout TIME  how long to wait for up to exit (default ${DEFAULT_TIMEOUT})
  -h, --help      show this help

${exitCodesHelp('up has exited', 'no up runs for this repository, or it had not exited within --timeout')}`;

const OPTIONS = {
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`down takes no arguments, got "${positionals.join(' ')}"`, '--timeout');
  const limitMs = durationFlag(values.timeout ?? DEFAULT_TIMEOUT, '--timeout', TIMER_DURATION);
  const repoRoot = (await gitOrThrow(deps.git ?? runGit, ['rev-parse', '--show-toplevel'], deps.cwd)).trim();
  const sleep = deps.sleep ?? sleepUnlessAborted;
  const result = await stopUp(repoRoot, { limitMs, sleep: (ms) => sleep(ms), now: deps.now ?? Date.now });
  switch (result.kind) {
    case 'none':
      deps.stderr.write(`down: no \`npm run rehearse -- up\` is running for ${repoRoot}; nothing to stop\n`);
      return EXIT.failed;
    case 'still-running':
      deps.stderr.write(
        `down: up (pid ${result.pid}) has not exited after ${Math.round(result.waitedMs / 1000)} s; it may still be rolling back a release (a second down, or kill ${result.pid}, ends it at once)\n`,
      );
      return EXIT.failed;
    case 'stopped':
      deps.stdout.write(`up (pid ${result.pid}) stopped in ${(result.waitedMs / 1000).toFixed(1)} s\n`);
      return EXIT.ok;
  }
}

export const downCommand: Command = {
  summary: 'stop the `up` running for this repository and wait until it has exited',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
