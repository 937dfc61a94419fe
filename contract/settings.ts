/**
 * The one place where the numbers that the service, the CDK stack, the release files and the local
 * rehearsal must agree on are written. Everything else imports them; tests prove that `taskdef.json`,
 * `appspec.yml` and the synthesized templates match.
 *
 * Plain numbers (seconds, milliseconds) keep this module free of aws-cdk-lib, because it ships in the
 * service image; the CDK code wraps them in `Duration`.
 */
export const settings = {
  /**
   * Name shown by the service (`GET /`, log lines) and the task definition family: a fixed family, because
   * the ECS service under CODE_DEPLOY keeps only the family and each release registers a revision of it.
   */
  serviceName: 'rollback-rehearsal',

  container: {
    /** Container name in the task definition and `LoadBalancerInfo.ContainerName` in the AppSpec. */
    name: 'app',
    /** Port the service listens on, the container port, and the target groups' traffic port. */
    port: 8080,
    /** Path the ALB target groups, the container health check and the test-traffic hook call. */
    healthPath: '/health',
    /**
     * Port of the service's own metrics listener (`METRICS_PORT`), which serves only `metricsPath`: the port
     * OpenTelemetry's Prometheus exporter uses. Never the container port: the target groups route to that one
     * alone, so the load balancer cannot reach the metrics.
     */
    metricsPort: 9464,
    /** Path of the Prometheus metrics on `metricsPort`; on `port` it is an unknown path (404). */
    metricsPath: '/metrics',
    /** Fargate task size. */
    cpu: 256,
    memoryMiB: 512,
    /**
     * Seconds ECS waits between SIGTERM and SIGKILL. The service's own drain deadline
     * (`shutdown.deadlineMs`) must end well before it.
     */
    stopTimeoutSeconds: 30,
  },

  /** Where things live inside the image (the Dockerfile's WORKDIR and the compiled entry files). */
  image: {
    workdir: '/app',
    entry: 'dist/app/src/server.js',
    healthcheckEntry: 'dist/app/src/healthcheck.js',
    /** Numeric non-root user the image runs as. */
    uid: 1000,
  },

  http: {
    /** The ALB's idle timeout (its default). The service's keep-alive must outlast it. */
    albIdleTimeoutSeconds: 60,
    /** Node closes idle keep-alive sockets after this; above the ALB idle timeout so the ALB closes first. */
    keepAliveTimeoutMs: 65_000,
    /** Must exceed keepAliveTimeoutMs, or Node can close a socket the ALB is about to reuse. */
    headersTimeoutMs: 66_000,
    /** Largest request body the service accepts. */
    bodyLimitBytes: 16 * 1024,
  },

  shutdown: {
    /** After SIGTERM: drain in-flight requests, then force-close whatever is left at this deadline. */
    deadlineMs: 10_000,
  },

  /** The ALB target groups' health check, tuned for fast detection (ALB minimums: 5 s interval, threshold 2). */
  targetHealthCheck: {
    intervalSeconds: 5,
    /** Must be shorter than the interval. */
    timeoutSeconds: 4,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    healthyHttpCodes: '200',
  },

  /** Seconds the ALB keeps sending in-flight requests to a deregistering target (ALB default: 300). */
  deregistrationDelaySeconds: 5,

  /** The task definition's container health check, which runs `node <healthcheckEntry>`. */
  containerHealthCheck: {
    intervalSeconds: 10,
    timeoutSeconds: 5,
    retries: 3,
    startPeriodSeconds: 15,
  },

  /** The health-check entry's own limit for one `/health` call. */
  healthcheckEntryTimeoutMs: 2_000,

  /**
   * The `dependency-down` fault's TCP probe gives up after this, DNS lookup included. At most 2 s, and below
   * both the ALB health-check timeout and `healthcheckEntryTimeoutMs`, so callers see the 503 and its reason
   * rather than their own timeout.
   */
  dependencyProbeTimeoutMs: 1_500,

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
    logRetentionDays: 14,
  },

  deployment: {
    /** Default CodeDeploy deployment configuration; context `deploymentConfig` overrides it. */
    defaultConfig: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    /** Minutes blue is kept after all traffic moved: the bake period in which alarms can still roll back. */
    terminationWaitMinutes: 5,
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
    stoppedTasks: 1,
  },

  /** The AfterAllowTestTraffic hook's checks against the test listener. */
  hook: {
    /** Requests sent to `/` through the test listener; all must answer 200 with the new version. */
    burstRequests: 20,
    /** Limit for one request through the test listener. */
    requestTimeoutMs: 5_000,
    /** Limit for the whole probe; the hook reports Failed when it is reached. */
    probeTimeoutMs: 60_000,
    /** How long the hook keeps retrying `/health` while green settles behind the test listener. */
    healthRetryWindowMs: 20_000,
    /**
     * The hook Lambda's name, which `appspec.yml` names under `AfterAllowTestTraffic`. A fixed physical name
     * because the release file is static; the `CodeDeployHook_` prefix is what the managed role
     * AWSCodeDeployRoleForECSLimited may invoke.
     */
    functionName: 'CodeDeployHook_rollback-rehearsal-test-traffic',
    /** The hook Lambda's timeout: the probe's limit plus room for the version lookup, cold start and report. */
    lambdaTimeoutSeconds: 90,
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
    watchLimitSeconds: 600,
  },

  /** The ALB's listeners. The test listener reaches the replacement (green) task set during a deployment. */
  loadBalancer: {
    /** Production listener port over HTTP (redirects to HTTPS when a certificate is given). */
    httpPort: 80,
    /** Production listener port when a certificate ARN is given. */
    httpsPort: 443,
    /** Test listener port: reachable only by the hook and the allowed CIDR. */
    testPort: 8080,
  },
} as const;

export type Settings = typeof settings;
