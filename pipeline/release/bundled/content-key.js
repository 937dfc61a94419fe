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

// pipeline/release/content-key.ts
var content_key_exports = {};
__export(content_key_exports, {
  contentKey: () => contentKey,
  faultsValueSpan: () => faultsValueSpan,
  keyedBytes: () => keyedBytes,
  listTree: () => listTree,
  main: () => main,
  readTreeFile: () => readTreeFile,
  treeFiles: () => treeFiles
});
module.exports = __toCommonJS(content_key_exports);
var import_node_crypto = require("node:crypto");
var import_node_fs = require("node:fs");
var import_node_path = require("node:path");
var import_node_util = require("node:util");

// contract/release-file-names.ts
var TASKDEF_FILE = "taskdef.json";

// contract/settings.ts
var settings = {
  /**
   * Name shown by the service (`GET /`, log lines) and the task definition family: a fixed family, because
   * the ECS service under CODE_DEPLOY keeps only the family and each release registers a revision of it.
   */
  serviceName: "rollback-rehearsal",
  container: {
    /** Container name in the task definition and `LoadBalancerInfo.ContainerName` in the AppSpec. */
    name: "app",
    /** Port the service listens on, the container port, and the target groups' traffic port. */
    port: 8080,
    /** Path the ALB target groups, the container health check and the test-traffic hook call. */
    healthPath: "/health",
    /**
     * Port of the service's own metrics listener (`METRICS_PORT`), which serves only `metricsPath`: the port
     * OpenTelemetry's Prometheus exporter uses. Never the container port: the target groups route to that one
     * alone, so the load balancer cannot reach the metrics.
     */
    metricsPort: 9464,
    /** Path of the Prometheus metrics on `metricsPort`; on `port` it is an unknown path (404). */
    metricsPath: "/metrics",
    /** Fargate task size. */
    cpu: 256,
    memoryMiB: 512,
    /**
     * Seconds ECS waits between SIGTERM and SIGKILL. The service's own drain deadline
     * (`shutdown.deadlineMs`) must end well before it.
     */
    stopTimeoutSeconds: 30
  },
  /** Where things live inside the image (the Dockerfile's WORKDIR and the compiled entry files). */
  image: {
    workdir: "/app",
    entry: "dist/app/src/server.js",
    healthcheckEntry: "dist/app/src/healthcheck.js",
    /** Numeric non-root user the image runs as. */
    uid: 1e3
  },
  http: {
    /** The ALB's idle timeout (its default). The service's keep-alive must outlast it. */
    albIdleTimeoutSeconds: 60,
    /** Node closes idle keep-alive sockets after this; above the ALB idle timeout so the ALB closes first. */
    keepAliveTimeoutMs: 65e3,
    /** Must exceed keepAliveTimeoutMs, or Node can close a socket the ALB is about to reuse. */
    headersTimeoutMs: 66e3,
    /** Largest request body the service accepts. */
    bodyLimitBytes: 16 * 1024
  },
  shutdown: {
    /** After SIGTERM: drain in-flight requests, then force-close whatever is left at this deadline. */
    deadlineMs: 1e4
  },
  /** The ALB target groups' health check, tuned for fast detection (ALB minimums: 5 s interval, threshold 2). */
  targetHealthCheck: {
    intervalSeconds: 5,
    /** Must be shorter than the interval. */
    timeoutSeconds: 4,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    healthyHttpCodes: "200"
  },
  /** Seconds the ALB keeps sending in-flight requests to a deregistering target (ALB default: 300). */
  deregistrationDelaySeconds: 5,
  /** The task definition's container health check, which runs `node <healthcheckEntry>`. */
  containerHealthCheck: {
    intervalSeconds: 10,
    timeoutSeconds: 5,
    retries: 3,
    startPeriodSeconds: 15
  },
  /** The health-check entry's own limit for one `/health` call. */
  healthcheckEntryTimeoutMs: 2e3,
  /**
   * The `dependency-down` fault's TCP probe gives up after this, DNS lookup included. At most 2 s, and below
   * both the ALB health-check timeout and `healthcheckEntryTimeoutMs`, so callers see the 503 and its reason
   * rather than their own timeout.
   */
  dependencyProbeTimeoutMs: 1500,
  ecs: {
    desiredCount: 2,
    /**
     * Seconds after a task starts in which the ECS scheduler ignores failed ALB and container health checks.
     * No longer than the ALB's unhealthy window (interval x (unhealthy threshold - 1)): ECS acts only on
     * targets the ALB already marked unhealthy, which the unhealthy-hosts alarm rolls back anyway, so a
     * longer grace spares no healthy release and only delays the replacement the stopped-task guard sees.
     * Slow starts are covered by the ALB window and the container check's start period, not by this.
     */
    healthCheckGracePeriodSeconds: 5,
    logRetentionDays: 14
  },
  deployment: {
    /** Default CodeDeploy deployment configuration; context `deploymentConfig` overrides it. */
    defaultConfig: "CodeDeployDefault.ECSCanary10Percent5Minutes",
    /** Minutes blue is kept after all traffic moved: the bake period in which alarms can still roll back. */
    terminationWaitMinutes: 5
  },
  /** Alarms the deployment group watches. One-minute periods; missing data is not breaching. */
  alarms: {
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    /** UnHealthyHostCount maximum per target group at or above which the deployment rolls back. */
    unhealthyHosts: 1,
    /** Target 5xx as a percentage of requests per target group, once there are enough requests to judge. */
    target5xxRatePercent: 5,
    /** Below this many requests in a period the 5xx alarm uses the count threshold instead of the rate. */
    target5xxMinRequests: 20,
    /** Target 5xx count per period that rolls back when traffic is too low for a rate. */
    target5xxCount: 5,
    /** HTTPCode_ELB_5XX_Count (the load balancer's own 502/503/504) per period. */
    elb5xxCount: 10,
    /** TargetResponseTime average, in seconds, per target group. */
    responseTimeSeconds: 1,
    /** Tasks of the service that stop abnormally (crash, failed health checks) in one period. */
    stoppedTasks: 1
  },
  /** The AfterAllowTestTraffic hook's checks against the test listener. */
  hook: {
    /** Requests sent to `/` through the test listener; all must answer 200 with the new version. */
    burstRequests: 20,
    /** Limit for one request through the test listener. */
    requestTimeoutMs: 5e3,
    /** Limit for the whole probe; the hook reports Failed when it is reached. */
    probeTimeoutMs: 6e4,
    /** How long the hook keeps retrying `/health` while green settles behind the test listener. */
    healthRetryWindowMs: 2e4,
    /**
     * The hook Lambda's name, which `appspec.yml` names under `AfterAllowTestTraffic`. A fixed physical name
     * because the release file is static; the `CodeDeployHook_` prefix is what the managed role
     * AWSCodeDeployRoleForECSLimited may invoke.
     */
    functionName: "CodeDeployHook_rollback-rehearsal-test-traffic",
    /** The hook Lambda's timeout: the probe's limit plus room for the version lookup, cold start and report. */
    lambdaTimeoutSeconds: 90
  },
  /**
   * The target-health watcher, started with each deployment: it reads both target groups'
   * `DescribeTargetHealth` and stops the deployment with rollback once every target of one has failed its
   * health checks for the confirmation window (`core/watcher/target-health-decision.ts`).
   */
  targetHealthWatcher: {
    /** Seconds between two reads: one ALB health-check interval, so each read can see a new check. */
    pollSeconds: 5,
    /**
     * Seconds every target must keep failing after the ALB marked it unhealthy: one more failed check, and at
     * least the ECS health-check grace period, so a target inside its grace window is never judged.
     */
    confirmSeconds: 5,
    /** Seconds the watcher follows one deployment at most (its Lambda's timeout is a little longer). */
    watchLimitSeconds: 600
  },
  /** The ALB's listeners. The test listener reaches the replacement (green) task set during a deployment. */
  loadBalancer: {
    /** Production listener port over HTTP (redirects to HTTPS when a certificate is given). */
    httpPort: 80,
    /** Production listener port when a certificate ARN is given. */
    httpsPort: 443,
    /** Test listener port: reachable only by the hook and the allowed CIDR. */
    testPort: 8080
  }
};

// pipeline/release/content-key.ts
var USAGE = `Usage: node pipeline/release/bundled/content-key.js [--files-from <file>] [<dir>]

Prints the content key of the tree at <dir> (default: the current directory): SHA-256 over every file's
path, kind and bytes, with the value of FAULTS in ${TASKDEF_FILE} left out. Without --files-from it takes
every file under <dir> but .git, as in a build's source folder before anything writes into it.

  --files-from <file>  take only these files, relative to <dir>, separated by NUL as \`git ls-files -z\`
                       prints them ("-" reads standard input): the committed files of a work tree`;
var MARK = "\0content-key\0";
function valueTokens(text) {
  const member = /"value"\s*:\s*("(?:[^"\\]|\\.)*")/g;
  return [...text.matchAll(member)].map((m) => {
    const end = m.index + m[0].length;
    return [end - m[1].length, end];
  });
}
function serviceFaults(doc) {
  const containers = doc?.containerDefinitions;
  if (!Array.isArray(containers)) return void 0;
  const container = containers.find((c) => c?.name === settings.container.name);
  const environment = container?.environment;
  if (!Array.isArray(environment)) return void 0;
  const entries = environment.filter((e) => e?.name === "FAULTS");
  return entries.length === 1 ? entries[0] : void 0;
}
function parsed(text) {
  try {
    return JSON.parse(text);
  } catch {
    return void 0;
  }
}
function faultsValueSpan(text) {
  const original = parsed(text);
  const entry = serviceFaults(original);
  if (entry === void 0 || typeof entry.value !== "string") return void 0;
  const expected = parsed(text);
  serviceFaults(expected).value = MARK;
  const found = valueTokens(text).filter(
    ([start, end]) => (0, import_node_util.isDeepStrictEqual)(parsed(`${text.slice(0, start)}${JSON.stringify(MARK)}${text.slice(end)}`), expected)
  );
  return found.length === 1 ? found[0] : void 0;
}
function keyedBytes(file) {
  if (file.path !== TASKDEF_FILE || file.kind === "l") return file.bytes;
  const text = file.bytes.toString("utf8");
  const span = faultsValueSpan(text);
  if (span === void 0) return file.bytes;
  return Buffer.from(`${text.slice(0, span[0])}""${text.slice(span[1])}`, "utf8");
}
function contentKey(files) {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const hash = (0, import_node_crypto.createHash)("sha256");
  for (const file of sorted) {
    const bytes = keyedBytes(file);
    hash.update(`${file.kind} ${bytes.length} ${Buffer.byteLength(file.path)} ${file.path}
`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}
function readTreeFile(root, path) {
  const full = (0, import_node_path.join)(root, path);
  const stat = (0, import_node_fs.lstatSync)(full);
  if (stat.isSymbolicLink()) return { path, kind: "l", bytes: Buffer.from((0, import_node_fs.readlinkSync)(full)) };
  if (!stat.isFile()) throw new Error(`${path} is not a file (listed in the tree at ${root})`);
  return { path, kind: (stat.mode & 73) !== 0 ? "x" : "f", bytes: (0, import_node_fs.readFileSync)(full) };
}
function listTree(root, dir = "") {
  return (0, import_node_fs.readdirSync)((0, import_node_path.join)(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (path === ".git") return [];
    return entry.isDirectory() ? listTree(root, path) : [path];
  });
}
function treeFiles(root, paths) {
  return (paths ?? listTree(root)).map((path) => readTreeFile(root, path));
}
function main(argv, deps) {
  let values;
  let positionals;
  try {
    ({ values, positionals } = (0, import_node_util.parseArgs)({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { "files-from": { type: "string" }, help: { type: "boolean", short: "h" } }
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
  if (positionals.length > 1) {
    deps.stderr.write(
      `one tree at a time, got ${positionals.length}: ${positionals.join(" ")}

${USAGE}
`
    );
    return 2;
  }
  const root = (0, import_node_path.resolve)(deps.cwd, positionals[0] ?? ".");
  const listFile = values["files-from"];
  try {
    const list = listFile === void 0 ? void 0 : (listFile === "-" ? deps.stdin() : (0, import_node_fs.readFileSync)((0, import_node_path.resolve)(deps.cwd, listFile))).toString("utf8").split("\0").filter((path) => path !== "");
    const files = treeFiles(root, list);
    const taskdef = files.find((f) => f.path === TASKDEF_FILE);
    if (taskdef !== void 0 && faultsValueSpan(taskdef.bytes.toString("utf8")) === void 0) {
      deps.stderr.write(
        `${TASKDEF_FILE}: no single FAULTS value of container "${settings.container.name}" found; the whole file counts toward the key, so only an identical tree reuses a build
`
      );
    }
    deps.stdout.write(`${contentKey(files)}
`);
    return 0;
  } catch (error) {
    deps.stderr.write(
      `content key not computed: ${error instanceof Error ? error.message : String(error)}
`
    );
    return 1;
  }
}
if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdin: () => (0, import_node_fs.readFileSync)(0),
    stdout: process.stdout,
    stderr: process.stderr
  });
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  contentKey,
  faultsValueSpan,
  keyedBytes,
  listTree,
  main,
  readTreeFile,
  treeFiles
});
