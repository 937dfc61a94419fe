/*
 * Preloaded (node --require) into every local task process. The rehearsal holds the write end of the
 * task's stdin and never writes to it, so end-of-file there means the rehearsal is gone, however it
 * ended, SIGKILL included, when no exit handler of its own could run. The task then shuts down as ECS
 * would stop it (SIGTERM: drain, then exit) instead of running on, orphaned, on its port. The service
 * itself knows nothing of this: it is the rehearsal's watchdog, not the service's behaviour.
 */
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
