import { DEFAULT_CONTROLLER } from '../../../contract/native-strategies';
import { controllerFlag } from '../args/controller-flag';
import { exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { catalogueRows } from '../faults/catalogue-rows';
import { renderTable } from '../faults/text-table';
import type { CliDeps, Command } from '../cli-deps';
import { writeJson } from '../terminal/json-output';

const HELP = `Usage: npm run rehearse -- faults [--json] [--controller codedeploy|ecs]

Lists the fault catalogue: each fault's name, value and default, effect on the service, the rollback
rehearsal it reproduces, what a release with it should do, which signal tells the deployment's controller
first and the modelled worst-case seconds from green tasks starting until it does (at the default value).
The JSON adds the modelled seconds from a push to the verdict: pushToVerdictSeconds for a code change,
flipToVerdictSeconds for a flip-only commit, each with its parts (pushToVerdict, flipToVerdict).

Options:
  --json                print the catalogue as JSON: { schemaVersion, faults: [...] }
  --controller NAME     model the release under codedeploy (default) or ecs (native ECS blue/green)
  -h, --help            show this help

${exitCodesHelp('the catalogue was printed', 'it could not be printed (the message says why)')}`;

const OPTIONS = {
  json: { type: 'boolean', default: false },
  controller: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const COLUMNS = [
  { title: 'FAULT', width: 15 },
  { title: 'VALUE (DEFAULT)', width: 26 },
  { title: 'REH.', width: 4 },
  { title: 'EFFECT', width: 34 },
  { title: 'EXPECTED RELEASE', width: 34 },
  { title: 'DECIDED BY', width: 21 },
  { title: 'WORST S', width: 7 },
];

function run(argv: readonly string[], deps: CliDeps): number {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`faults takes no arguments, got "${positionals.join(' ')}"`);
  const rows = catalogueRows(controllerFlag(values.controller) ?? DEFAULT_CONTROLLER);
  if (values.json) {
    writeJson(deps.stdout, { faults: rows });
    return 0;
  }
  const table = renderTable(
    COLUMNS,
    rows.map((row) => [
      row.name,
      row.defaultValue === null ? 'none' : `${row.valueKind} (${row.defaultValue})`,
      String(row.rehearsal),
      row.effect,
      `${row.expectedRelease.outcome}: ${row.expectedText}`,
      row.decidedBy ?? '-',
      row.modelledSeconds === null ? '-' : String(row.modelledSeconds),
    ]),
  );
  deps.stdout.write(
    `${table}\n\nFlip one with: npm run rehearse -- flip NAME[=VALUE]; rehearse it on AWS with: npm run rehearse -- drill NAME[=VALUE]\n`,
  );
  return 0;
}

export const faultsCommand: Command = {
  summary: 'the fault catalogue: effects, expected outcome, deciding signal and modelled worst-case seconds',
  run: (argv, deps) => guardCommand(HELP, deps, () => Promise.resolve(run(argv, deps))),
};
