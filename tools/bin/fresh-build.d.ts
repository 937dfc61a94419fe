/** Builds dist/ unless it was built from the inputs as they are now; returns tsc's exit code (0: ready). */
export function buildIfStale(root?: string): number;
/** Every file whose change can change what the build writes, relative to `root`, sorted. */
export function buildInputs(root: string): string[];
/** A hash of the build inputs' paths, sizes and modification times. */
export function inputSignature(root: string): string;
/** True when dist/ was built from the inputs as they are now. */
export function isFresh(root: string): boolean;
/** Where the signature of the last successful build is kept, relative to the root. */
export const SIGNATURE_FILE: string;
/** Builds dist/ if stale, then calls `entry`'s exported `run` with this process's arguments. */
export function runCompiled(entry: string, run: string, root?: string): void;
