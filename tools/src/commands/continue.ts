import { exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import type { CliDeps, Command } from '../cli-deps';
import { runLocalVerb } from '../local/control/local-verb';

const HELP = `Usage: npm run rehearse -- continue --local [options]

Releases the gate of the local rehearsal running in this repository (npm run rehearse -- local --gate,
from another terminal): the deployment held before production traffic goes on, once green has passed
its test-traffic hook. With nothing running, or nothing held, it says so.

Options:
  --local      the local rehearsal running in this repository
  --json       print the rehearsal's answer as JSON on stdout
  -h, --help   show this help

${exitCodesHelp('the hold was released', 'no local rehearsal runs here, or it holds nothing')}`;

const OPTIONS = {
  local: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`continue takes no arguments, got "${positionals.join(' ')}"`, '--local');
  if (!values.local) throw new UsageError('continue needs --local (the local rehearsal)', '--local');
  return runLocalVerb('continue', {
    root: deps.cwd,
    stdout: deps.stdout,
    stderr: deps.stderr,
    json: values.json,
  });
}

export const continueCommand: Command = {
  summary: 'release a held gate: the deployment goes on to production traffic (--local: the local rehearsal)',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
