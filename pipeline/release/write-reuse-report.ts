#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/*
 * The test report of a build that reused an image by its content key. Such a build runs no tests, yet the
 * buildspec's report group expects a JUnit file: this one says what was not run again and why (each step
 * as a skipped test naming the key and the image), and what this build did check (the release files,
 * FAULTS included), so the report group shows a reused build as such instead of a missing report.
 */

const USAGE = `Usage: node pipeline/release/bundled/write-reuse-report.js --key <content key> --image <uri@digest> --out <file>

Writes a JUnit report for a build that reused the image of its content key: the steps it skipped, as
skipped tests, and the release files it rendered, as a passed one.`;

/** The steps a reusing build skips, as buildspec.yml runs them on a full build. */
export const SKIPPED_STEPS = [
  'npm ci',
  'npm run lint',
  'npm run typecheck',
  'npm run test:release',
  'docker build and push',
] as const;

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** The JUnit XML of a reusing build: one skipped test per skipped step, one passed for the release files. */
export function reuseReport(key: string, image: string): string {
  const why = `passed on the build that pushed ${image} for content key ${key}, a tree that differs from this one at most in the value of FAULTS in taskdef.json`;
  const cases = [
    ...SKIPPED_STEPS.map(
      (step) =>
        `    <testcase classname="content-keyed release" name="${escapeXml(step)}" time="0">\n      <skipped message="${escapeXml(why)}"/>\n    </testcase>`,
    ),
    `    <testcase classname="content-keyed release" name="${escapeXml(`release files rendered for ${image}, FAULTS parsed with the service's parser and limits`)}" time="0"/>`,
  ];
  const counts = `tests="${cases.length}" failures="0" errors="0" skipped="${SKIPPED_STEPS.length}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="release build" ${counts}>`,
    `  <testsuite name="${escapeXml(`content key ${key}`)}" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** What the entry needs from the process; tests pass their own. */
export interface ReuseReportDeps {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Writes the report to `--out`; returns the exit code (2 for a usage error). */
export function main(argv: readonly string[], deps: ReuseReportDeps): number {
  let values: { key?: string; image?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        key: { type: 'string' },
        image: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    deps.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    deps.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = (['key', 'image', 'out'] as const).filter((name) => !values[name]);
  if (missing.length > 0) {
    deps.stderr.write(`${missing.map((name) => `--${name}`).join(', ')} required\n\n${USAGE}\n`);
    return 2;
  }
  const file = resolve(deps.cwd, values.out!);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, reuseReport(values.key!, values.image!));
  deps.stdout.write(`Wrote ${file}: ${SKIPPED_STEPS.length} steps reused from content key ${values.key}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
