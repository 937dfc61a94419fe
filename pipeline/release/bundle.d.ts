/** The release step's entries that `bundleRelease` bundles, relative to the repository root. */
export declare const ENTRIES: readonly string[];
/** Where the committed bundles are, relative to the repository root. */
export declare const OUT_DIR: string;
/** Bundles each entry with everything it imports; returns the files unless `write` puts them in OUT_DIR. */
export declare function bundleRelease(
  root?: string,
  write?: boolean,
): { readonly path: string; readonly text: string }[] | undefined;
