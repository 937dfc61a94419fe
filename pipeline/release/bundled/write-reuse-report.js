#!/usr/bin/env node
"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// pipeline/release/write-reuse-report.ts
var write_reuse_report_exports = {};
__export(write_reuse_report_exports, {
  SKIPPED_STEPS: () => SKIPPED_STEPS,
  main: () => main,
  reuseReport: () => reuseReport
});
module.exports = __toCommonJS(write_reuse_report_exports);
var import_node_fs = require("node:fs");
var import_node_path = require("node:path");
var import_node_util = require("node:util");
var USAGE = `Usage: node pipeline/release/bundled/write-reuse-report.js --key <content key> --image <uri@digest> --out <file>

Writes a JUnit report for a build that reused the image of its content key: the steps it skipped, as
skipped tests, and the release files it rendered, as a passed one.`;
var SKIPPED_STEPS = [
  "npm ci",
  "npm run lint",
  "npm run typecheck",
  "npm run test:release",
  "docker build and push"
];
var escapeXml = (text) => text.replace(
  /[<>&"']/g,
  (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]
);
function reuseReport(key, image) {
  const why = `passed on the build that pushed ${image} for content key ${key}, a tree that differs from this one at most in the value of FAULTS in taskdef.json`;
  const cases = [
    ...SKIPPED_STEPS.map(
      (step) => `    <testcase classname="content-keyed release" name="${escapeXml(step)}" time="0">
      <skipped message="${escapeXml(why)}"/>
    </testcase>`
    ),
    `    <testcase classname="content-keyed release" name="${escapeXml(`release files rendered for ${image}, FAULTS parsed with the service's parser and limits`)}" time="0"/>`
  ];
  const counts = `tests="${cases.length}" failures="0" errors="0" skipped="${SKIPPED_STEPS.length}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="release build" ${counts}>`,
    `  <testsuite name="${escapeXml(`content key ${key}`)}" ${counts}>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    ""
  ].join("\n");
}
function main(argv, deps) {
  let values;
  try {
    ({ values } = (0, import_node_util.parseArgs)({
      args: [...argv],
      strict: true,
      options: {
        key: { type: "string" },
        image: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    }));
  } catch (error) {
    deps.stderr.write(`${error instanceof Error ? error.message : String(error)}

${USAGE}
`);
    return 2;
  }
  if (values.help) {
    deps.stdout.write(`${USAGE}
`);
    return 0;
  }
  const missing = ["key", "image", "out"].filter((name) => !values[name]);
  if (missing.length > 0) {
    deps.stderr.write(`${missing.map((name) => `--${name}`).join(", ")} required

${USAGE}
`);
    return 2;
  }
  const file = (0, import_node_path.resolve)(deps.cwd, values.out);
  (0, import_node_fs.mkdirSync)((0, import_node_path.dirname)(file), { recursive: true });
  (0, import_node_fs.writeFileSync)(file, reuseReport(values.key, values.image));
  deps.stdout.write(`Wrote ${file}: ${SKIPPED_STEPS.length} steps reused from content key ${values.key}
`);
  return 0;
}
if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr
  });
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  SKIPPED_STEPS,
  main,
  reuseReport
});
