/** What a task writes to stderr once the listen gate (`listen-gate.ts`) holds its first `listen`. */
export const HOLDING_LINE = 'rehearsal: listen held';
/** What the rehearsal writes to a held task's stdin to let it listen. */
export const OPEN_LINE = 'rehearsal: listen';
