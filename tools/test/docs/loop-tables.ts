import { FAULT_NAMES } from '../../../contract/faults/catalogue';
import { markdownTable } from '../../../contract/test/support/markdown';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import { DEFAULT_RELEASE_LOOP, type LoopToVerdict } from '../../../core/model/push-to-verdict';
import { catalogueRows, type CatalogueRow } from '../../src/faults/catalogue-rows';

/** The four loops, in the order of the tables' columns: push then flip, CodeDeploy then native ECS. */
const COLUMNS = ['push, CodeDeploy', 'flip, CodeDeploy', 'push, ECS', 'flip, ECS'];

const loopsOf = (row: (c: DeploymentControllerName) => CatalogueRow): LoopToVerdict[] =>
  (['codedeploy', 'ecs'] as const).flatMap((c) => [row(c).pushToVerdict, row(c).flipToVerdict]);

/** The header of docs/rollback-times.md's seconds-per-fault table. */
export const LOOP_TABLE_HEADER = ['fault', ...COLUMNS];

/** Its rows: each fault's seconds from a push (a code change) and from a flip to the verdict. */
export function loopTableRows(): string[][] {
  const rows = { codedeploy: catalogueRows('codedeploy'), ecs: catalogueRows('ecs') };
  return FAULT_NAMES.map((name, i) => [
    `\`${name}\``,
    ...loopsOf((c) => rows[c][i]!).map((l) => String(l.total)),
  ]);
}

/** The header of docs/rollback-times.md's table of where `fault`'s seconds go. */
export const PARTS_TABLE_HEADER = ['part', ...COLUMNS, 'from'];

/** Its rows, the model's parts with what each comes from. */
export function partsTableRows(fault = 'health-fail'): string[][] {
  const row = (c: DeploymentControllerName) => catalogueRows(c).find((r) => r.name === fault)!;
  const loops = loopsOf(row);
  const { pushBuild, flipBuild } = DEFAULT_RELEASE_LOOP;
  const phase = (key: keyof typeof pushBuild) => [
    pushBuild[key],
    flipBuild[key],
    pushBuild[key],
    flipBuild[key],
  ];
  const line = (part: string, cells: readonly number[], from: string) => [part, ...cells.map(String), from];
  const measured = '`npm run rehearse:build` (below)';
  return [
    line(
      'source (push to the commit’s ZIP)',
      loops.map((l) => l.source),
      'assumed',
    ),
    line(
      'release build: queue',
      loops.map((l) => l.buildQueue),
      'assumed',
    ),
    line('release build: install (key look-up, `npm ci`)', phase('install'), measured),
    line('release build: pre_build (lint, types, release tests)', phase('preBuild'), measured),
    line('release build: build (image or reuse, render, tags)', phase('build'), measured),
    line(
      'deploy start',
      loops.map((l) => l.deployStart),
      'assumed: `DEPLOY_START_SECONDS`',
    ),
    line(
      'green start',
      loops.map((l) => l.greenStart),
      '`replacementTaskStartSeconds`',
    ),
    line(
      'before green runs',
      loops.map((l) => l.beforeGreen),
      'the parts above',
    ),
    line(
      'detection (the model above)',
      loops.map((l) => l.toVerdict),
      'the model',
    ),
    line(
      'to verdict',
      loops.map((l) => l.total),
      '',
    ),
  ];
}

/** Both tables as Markdown, for pasting into docs/rollback-times.md when the model changes. */
export function loopTablesMarkdown(): string {
  return [
    markdownTable(LOOP_TABLE_HEADER, loopTableRows()),
    markdownTable(PARTS_TABLE_HEADER, partsTableRows()),
  ].join('\n\n');
}
