import path from 'node:path';
import { settings } from '../../../contract/settings';
import { DEPLOYMENT_CONFIG_NAMES } from '../../../contract/deployment-configs';
import { DEFAULT_CONTROLLER } from '../../../contract/native-strategies';
import { controllerFlag } from '../args/controller-flag';
import { EXIT, exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { countFlag } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { DEFAULT_RATE, DEFAULT_TIME_SCALE, parseRehearsalFlags } from '../args/rehearsal-flags';
import { gitOrThrow, runGit } from '../git/run-git';
import { MAX_TIME_SCALE } from '../local/time-scale/local-timings';
import { formatEvent, formatSnapshot } from '../local/report/progress';
import { CLEAR_LINE, outputStyle } from '../terminal/output-style';
import { DEFAULT_GATE_SECONDS, deploySettingsGate, GATE_OPTIONS, gateFlags } from '../args/gate-flags';
import { formatHeldNotice } from '../local/report/hold-notice';
import { deploySettingsRoot } from '../up/release-image';
import { PortInUse } from '../up/environment/local-environment';
import { claimUpInstance, UpAlreadyRunning } from '../up/instance-lock';
import { runUp, type UpOptions, type UpSummary } from '../up/run-up';
import { releaseStages } from '../up/release-stages';
import type { CliDeps, Command } from '../cli-deps';

/** The production listener's port when none is given: the test listener takes the next one. */
export const DEFAULT_UP_PORT = 8000;

const HELP = `Usage: npm run rehearse -- up [options]

Runs the release pipeline and the service on this machine, without an AWS account, until Ctrl-C or
"npm run rehearse -- down": a load balancer with a production and a test listener, and a git remote
"rehearsal". HEAD is released first, as blue; then every push to the remote's main goes through Source
and Build (the commit's own buildspec.yml) and is deployed from its rendered taskdef.json by the local
CodeDeploy or native ECS controller, with the deployment alarms, the hook, the stopped-task guard and the
target-health watcher of "npm run rehearse -- local", and its gate. Pushes wait their turn, one release at a time. After
a success the new version serves; after a rollback the old one goes on serving. Each release's events
and report go to .rehearsal/releases/<n>-<commit>/; "npm run rehearse -- watch --local" follows them.
Ctrl-C or "down" stop it cleanly (a release under way rolls back first) and it exits 0; a second Ctrl-C
ends it at once (130), still ending every task it started.

From another terminal: "rollback --local" stops the release under way with rollback, "continue --local"
releases a held gate, and "undo --local" releases the previous successful release again, blue/green.

Options:
  --controller NAME  codedeploy (default: CodeDeploy's lifecycle) or ecs (native ECS blue/green)
  --port P           the production listener's port (default ${DEFAULT_UP_PORT}); the test listener takes P+1
  --config NAME      deployment configuration: ${DEPLOYMENT_CONFIG_NAMES.join(', ')}
                     (default ${settings.deployment.defaultConfig.replace('CodeDeployDefault.ECS', '')}, from settings)
  --time-scale N     compress AWS waits N times, 1 to ${MAX_TIME_SCALE} (default ${DEFAULT_TIME_SCALE})
  --rate N           load loop requests per second during each deployment (default ${DEFAULT_RATE})
  --container        build and run the service as a container image (podman or docker)
  --gate             hold each release before production traffic, green on the test listener, until
                     "npm run rehearse -- continue --local", "rollback --local", or the time-out
                     (default: the pushed commit's deploy-settings.json gate, else none)
  --gate-timeout TIME
                     how long a hold lasts, in AWS time (needs --gate; default ${DEFAULT_GATE_SECONDS / 60} min)
  --gate-timeout-action ACTION
                     rollback (default) or continue (native ECS only) when the hold times out
  --no-gate          no hold, whatever the pushed commit's deploy-settings.json says
  -h, --help         show this help

${exitCodesHelp(
  'stopped by Ctrl-C or "down", with every task and listener stopped',
  'it could not start (another up runs for this repository, no git repository) or stop cleanly',
)}`;

const OPTIONS = {
  controller: { type: 'string' },
  port: { type: 'string' },
  config: { type: 'string' },
  'time-scale': { type: 'string' },
  rate: { type: 'string' },
  container: { type: 'boolean', default: false },
  ...GATE_OPTIONS,
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Ports a person can give: the test listener needs the next one too. */
const PORT = { whole: true, min: 1, max: 65_534, why: 'the test listener takes the next port' } as const;

/** What tests may replace: the remote, the builder and where the tasks' tools come from. */
export type UpDeps = Partial<Pick<UpOptions, 'openRemote' | 'build' | 'toolsRoot' | 'allocatePort'>>;

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** The closing lines: each release with its verdict, timings and folder, and pushes never released. */
export function formatUpSummary(summary: UpSummary, repoRoot: string): string {
  const lines = [`up stopped after ${summary.releases.length} release(s):`];
  for (const r of summary.releases) {
    lines.push(
      `  #${r.number} ${r.commit.slice(0, 12)} ${r.verdict.padEnd(11)} source ${seconds(r.sourceMs)}, build ${seconds(r.buildMs)}${r.reused ? ' (reused)' : ''}, deploy ${seconds(r.deployMs)}  ${path.relative(repoRoot, r.dir)}`,
    );
  }
  for (const push of summary.notReleased)
    lines.push(`  not released (up stopped first): ${push.commit.slice(0, 12)}`);
  return `${lines.join('\n')}\n`;
}

/** `up`: claims the repository, runs the environment until interrupted, prints the summary. */
export async function runUpCommand(argv: readonly string[], deps: CliDeps, up: UpDeps = {}): Promise<number> {
  return guardCommand(HELP, deps, async () => {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    if (values.help) {
      deps.stdout.write(`${HELP}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 0)
      throw new UsageError(`up takes no arguments, got "${positionals.join(' ')}"`, '--port');
    const flags = parseRehearsalFlags(values);
    const controller = controllerFlag(values.controller) ?? DEFAULT_CONTROLLER;
    const port = values.port === undefined ? DEFAULT_UP_PORT : countFlag(values.port, '--port', PORT);
    // The flags' own mistakes are refused before anything starts; each release adds its commit's setting.
    gateFlags(values, controller, () => undefined);
    const gateFor: UpOptions['gateFor'] = (built) =>
      gateFlags(values, controller, () => {
        const root = deploySettingsRoot(built);
        return root === undefined ? undefined : deploySettingsGate(root, controller);
      });
    const repoRoot = (
      await gitOrThrow(deps.git ?? runGit, ['rev-parse', '--show-toplevel'], deps.cwd)
    ).trim();
    let lock: { release: () => void };
    try {
      lock = claimUpInstance(repoRoot);
    } catch (error) {
      if (!(error instanceof UpAlreadyRunning)) throw error;
      deps.stderr.write(`${error.message}\n`);
      return EXIT.failed;
    }
    const abort = new AbortController();
    const removeInterrupt = deps.onInterrupt?.(() => abort.abort());
    const style = outputStyle(deps.stdout, deps.env);
    let status = '';
    const write = (line: string): void =>
      void deps.stdout.write(style.live ? `${CLEAR_LINE}${line}\n${status}` : `${line}\n`);
    try {
      const stages = releaseStages(up);
      const summary = await runUp({
        repoRoot,
        ...(up.toolsRoot !== undefined && { toolsRoot: up.toolsRoot }),
        port,
        controller,
        config: flags.config,
        timeScale: flags.timeScale,
        rate: flags.rate,
        container: flags.container,
        env: deps.env,
        ...(deps.track && { track: deps.track }),
        ...(up.allocatePort && { allocatePort: up.allocatePort }),
        gateFor,
        onHeld: (release, notice) => write(`#${release} ${formatHeldNotice(notice).trim()}`),
        ...(deps.track && { trackExit: deps.track }),
        signal: abort.signal,
        openRemote: stages.openRemote,
        build: stages.build,
        say: (line) => write(`${new Date().toISOString().slice(11, 19)}  ${line}`),
        onEvent: (release, event) => write(`#${release} ${formatEvent(event)}`),
        onProgress: (snapshot) => {
          if (!style.live) return;
          status = formatSnapshot(snapshot).slice(0, 119);
          deps.stdout.write(`${CLEAR_LINE}${status}`);
        },
        onReady: (ready) =>
          deps.stdout.write(
            [
              `production  ${ready.production}`,
              `test        ${ready.test}`,
              `push to     git push ${ready.remoteName} HEAD:main   (remote ${ready.remoteName}: ${ready.remoteUrl})`,
              `follow      npm run rehearse -- watch --local`,
              `stop        Ctrl-C, or npm run rehearse -- down`,
              '',
            ].join('\n'),
          ),
      });
      status = '';
      if (style.live) deps.stdout.write(CLEAR_LINE);
      deps.stdout.write(formatUpSummary(summary, repoRoot));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof PortInUse) throw new UsageError(error.message, '--port');
      throw error;
    } finally {
      removeInterrupt?.();
      lock.release();
    }
  });
}

export const upCommand: Command = {
  summary: 'run the release pipeline and the service locally until stopped: push to release, curl to see',
  run: (argv, deps) => runUpCommand(argv, deps),
};
