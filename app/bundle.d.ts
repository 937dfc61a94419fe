/** The entry files `bundleService` rewrites in place, relative to the repository root. */
export declare const ENTRIES: readonly string[];
/** Bundles each entry in dist/ with the service's own modules; `root` is the repository root. */
export declare function bundleService(root?: string): void;
