/** The exit codes every command keeps: 0 done as asked, 1 failed, 2 a usage error, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * The "Exit codes:" section of a command's help: what 0 and 1 mean for this command, and the usage and
 * interrupt codes every command shares.
 */
export function exitCodesHelp(ok: string, failed: string): string {
  return `Exit codes:
  0    ${ok}
  1    ${failed}
  2    usage error: a bad flag, value or argument (nothing was started)
  130  interrupted (Ctrl-C)`;
}
