import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { usageOnConfigError } from '../args/usage-on-config-error';
import { expectedRelease } from '../../../core/model/rollback-time';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { applyFlip } from '../flip/apply-flip';
import { checkCommittable, commitFile, flipMessage } from '../flip/commit-file';
import { runGit } from '../git/run-git';
import type { CliDeps, Command } from '../cli-deps';

const HELP = `Usage: npm run rehearse -- flip FAULT[=VALUE] ... [options]
       npm run rehearse -- flip --clear [options]

Sets FAULTS in the service container's environment of taskdef.json (validated with the service's own
parser), so the next release runs with those faults; --clear empties it. Prints the change and the git
commands that release it. Both controllers release this file: CodeDeploy as the AppSpec's task
definition, the ecs controller's Deploy step by registering it. See "npm run rehearse -- faults" for
names and values.

Options:
  --clear        clear FAULTS (restore a normal release)
  --file PATH    task definition to edit (default: taskdef.json in the current directory)
  --commit       commit the change (that file only) with a message naming the fault; refused when
                 the file has uncommitted edits of its own or is outside the current repository
  -h, --help     show this help

${exitCodesHelp(
  'FAULTS was set or cleared (and committed with --commit), or already was as asked',
  'the file could not be read, written or committed; it is left as it was',
)}`;

const OPTIONS = {
  clear: { type: 'boolean', default: false },
  file: { type: 'string' },
  commit: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.clear && positionals.length > 0)
    throw new UsageError('give faults or --clear, not both', '--clear');
  if (!values.clear && positionals.length === 0) throw new UsageError('flip needs a fault (or --clear)');

  const file = path.resolve(deps.cwd, values.file ?? 'taskdef.json');
  const git = deps.git ?? runGit;
  // Checked before writing, so a flip that cannot be committed leaves the file as it was.
  if (values.commit) await checkCommittable(git, deps.cwd, file);
  const original = values.commit ? await readFile(file, 'utf8').catch(() => undefined) : undefined;
  const change = await usageOnConfigError(() => applyFlip(file, positionals));
  const relative = path.relative(deps.cwd, file) || file;
  if (!change.changed) {
    deps.stdout.write(`${relative}: FAULTS is already "${change.after}"; nothing to do.\n`);
    return 0;
  }
  deps.stdout.write(`${relative}: FAULTS "${change.before}" -> "${change.after}"\n`);
  if (change.after !== '') {
    const expected = expectedRelease(parseFaults(change.after));
    deps.stdout.write(`Expected release: ${expected.outcome} (${expected.signal})\n`);
  }
  const message = flipMessage(change.after);
  if (values.commit) {
    const sha = await commitFile(git, deps.cwd, file, message).catch(async (error: unknown) => {
      // The flip promised to leave the file as it was when it cannot be committed.
      if (original !== undefined) await writeFile(file, original);
      throw error;
    });
    deps.stdout.write(`Committed ${sha.slice(0, 12)} "${message}". Release it with:\n  git push\n`);
  } else {
    deps.stdout.write(`Release it with:\n  git add ${relative}\n  git commit -m "${message}"\n  git push\n`);
  }
  return 0;
}

export const flipCommand: Command = {
  summary: 'set or clear FAULTS in taskdef.json (the release input), optionally commit',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
