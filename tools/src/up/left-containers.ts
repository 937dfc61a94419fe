import { engineCommand, engineOk, type Engine } from '../container/engine';

/** Task containers are named `rehearsal-<pid>-<run>-<task>` after the process that started them. */
const TASK_CONTAINER = /^rehearsal-(\d+)-/;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the task containers a run killed with SIGKILL left (no exit handler ran to remove them, and a
 * container does not watch its parent as a task process does): those whose name's pid no longer runs.
 * Returns their names. Containers of a run still going are left alone.
 */
export async function removeLeftTaskContainers(
  engine: Engine,
  alive: (pid: number) => boolean = isAlive,
): Promise<string[]> {
  const names = await engineOk(
    engine,
    ['ps', '--all', '--filter', 'name=rehearsal-', '--format', '{{.Names}}'],
    'listing task containers',
  );
  const left = names
    .split('\n')
    .map((name) => name.trim())
    .filter((name) => {
      const pid = TASK_CONTAINER.exec(name)?.[1];
      return pid !== undefined && !alive(Number(pid));
    });
  for (const name of left) await engineCommand(engine, ['rm', '--force', name]);
  return left;
}
