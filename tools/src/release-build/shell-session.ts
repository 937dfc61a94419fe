import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitStatus } from '../process/exit-status';
import { recordProcess } from '../process/left-process';

/*
 * One shell session across every command of a build, as buildspec version 0.2 has it: "In buildspec
 * version 0.1, CodeBuild runs each Shell command in a separate instance ... you cannot run a single
 * command that relies on the state of any previous commands (for example, changing directories or
 * setting environment variables) ... use version 0.2, which solves this issue" (CodeBuild User Guide,
 * "Shells and commands in build environments"). Each command runs in its own bash, which starts from the
 * variables (exported or not) and the directory the previous command left and saves them when it ends,
 * however it ends; shell options such as `set -e` stay within the command that set them.
 */

/** Runs build commands one after another in one session; the runner and its tests depend on this only. */
export interface CommandSession {
  /** Runs one buildspec command (possibly several lines) and resolves with its exit status. */
  run(command: string): Promise<number>;
  /** Sets a variable for every later command, as CodeBuild does with CODEBUILD_BUILD_SUCCEEDING. */
  setVariable(name: string, value: string): void;
  /** Ends a command still running (its whole process group), for a rehearsal that is being stopped. */
  kill(): void;
}

export interface ShellSessionOptions {
  /** The source directory the build starts in (CODEBUILD_SRC_DIR). */
  readonly cwd: string;
  /** The environment every command starts from. */
  readonly env: Readonly<Record<string, string>>;
  /** A private folder for the session's state files. */
  readonly stateDir: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /**
   * Where the running command's pid (its process group) is recorded while it runs, so that a run after
   * this one was killed with SIGKILL can end what it left (see process/left-process.ts). @default none
   */
  readonly pidFile?: string | undefined;
}

/** bash's own variables: they describe one process and must not be copied into the next. */
const BASH_OWN =
  'BASH*|_|PWD|OLDPWD|SHLVL|FUNCNAME|GROUPS|PIPESTATUS|HISTCMD|LINENO|RANDOM|SRANDOM|SECONDS|EPOCH*|' +
  'DIRSTACK|COLUMNS|LINES|PPID|UID|EUID|SHELLOPTS|BASHOPTS|COMP_*|OPTIND|OPTARG|HOSTNAME|HOSTTYPE|' +
  'MACHTYPE|OSTYPE|IFS|PS4|__rehearsal_*';

/** The lines bash runs before a command: restore the session, and save it again on exit. */
export function sessionPrelude(stateFile: string, cwdFile: string): string {
  const q = (path: string): string => `'${path.replace(/'/g, `'\\''`)}'`;
  return [
    `[ -f ${q(stateFile)} ] && . ${q(stateFile)}`,
    `[ -f ${q(cwdFile)} ] && cd "$(cat ${q(cwdFile)})"`,
    '__rehearsal_save() {',
    '  local __rehearsal_rc=$? __rehearsal_n __rehearsal_d',
    '  for __rehearsal_n in $(compgen -v); do',
    `    case "$__rehearsal_n" in ${BASH_OWN}) continue ;; esac`,
    '    __rehearsal_d="$(declare -p "$__rehearsal_n" 2>/dev/null)" || continue',
    '    case "$__rehearsal_d" in "declare -- "*|"declare -x "*) printf \'%s\\n\' "$__rehearsal_d" ;; esac',
    `  done > ${q(`${stateFile}.next`)}`,
    `  mv ${q(`${stateFile}.next`)} ${q(stateFile)}`,
    `  pwd > ${q(cwdFile)}`,
    '  exit "$__rehearsal_rc"',
    '}',
    'trap __rehearsal_save EXIT',
    '',
  ].join('\n');
}

/** A {@link CommandSession} on bash, the shell `buildspec.yml` names in `env.shell`. */
export function createShellSession(options: ShellSessionOptions): CommandSession {
  const stateFile = join(options.stateDir, 'session.sh');
  const cwdFile = join(options.stateDir, 'cwd');
  writeFileSync(cwdFile, `${options.cwd}\n`);
  const extra: Record<string, string> = {};
  let running: ChildProcess | undefined;
  return {
    setVariable(name, value) {
      extra[name] = value;
      // A variable the session already holds would win over the environment: update it there too.
      if (existsSync(stateFile)) {
        const kept = readFileSync(stateFile, 'utf8')
          .split('\n')
          .filter(
            (line) => !line.startsWith(`declare -x ${name}=`) && !line.startsWith(`declare -- ${name}=`),
          );
        writeFileSync(
          stateFile,
          `${kept.join('\n')}\ndeclare -x ${name}='${value.replace(/'/g, `'\\''`)}'\n`,
        );
      }
    },
    run(command) {
      return new Promise((resolve, reject) => {
        const child = spawn('bash', ['-c', `${sessionPrelude(stateFile, cwdFile)}${command}`], {
          cwd: options.cwd,
          env: { ...options.env, ...extra },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        running = child;
        if (options.pidFile !== undefined && child.pid !== undefined)
          recordProcess(options.pidFile, child.pid);
        child.stdout.pipe(options.stdout, { end: false });
        child.stderr.pipe(options.stderr, { end: false });
        child.once('error', reject);
        child.once('close', (code, signal) => {
          running = undefined;
          if (options.pidFile !== undefined) rmSync(options.pidFile, { force: true });
          resolve(exitStatus(code, signal));
        });
      });
    },
    kill() {
      if (running?.pid !== undefined) {
        try {
          process.kill(-running.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
    },
  };
}
