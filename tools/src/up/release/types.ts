/** A push the rehearsal remote accepted for main, in the order git received it (QUEUED, as the pipeline). */
export interface PushedCommit {
  readonly commit: string;
  /** The commit main pointed to before this push (all zeros for the first push). */
  readonly before: string;
  readonly receivedAt: number;
}

/** What a built release runs as its image: a folder holding the built service, or a container image. */
export type RunnableImage =
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'container'; readonly reference: string };

/** One push taken through Source and Build, as CodePipeline's first two stages would. */
export interface BuiltRelease {
  readonly commit: string;
  /** released: build passed, release files rendered; failed: a command failed; skipped: trigger filter. */
  readonly outcome: 'released' | 'failed' | 'skipped';
  /** Why: the failed phase and command, or the trigger filter's reason, or the reuse line. */
  readonly detail: string;
  /** Folder with taskdef.json, appspec.yml and imageDetail.json as the build's artifacts section names them. */
  readonly releaseDir?: string;
  readonly image?: { readonly digest: string; readonly uri: string; readonly runnable: RunnableImage };
  /** true when the content key's image was reused (no npm ci, lint, tests or image build). */
  readonly reused: boolean;
  /** The build's whole log (every phase's output). */
  readonly logFile: string;
  readonly sourceMs: number;
  readonly buildMs: number;
}

export interface ReleaseBuilderOptions {
  /** The user's repository (its .rehearsal/ folder holds the bare remote, builds and images). */
  readonly repoRoot: string;
  /** true: docker goes to podman and a registry stand-in; false: Node-only stand-ins (no container). */
  readonly container: boolean;
  readonly log: (line: string) => void;
  /** Aborted by `down`/Ctrl-C: the running build is killed, nothing it started outlives it. */
  readonly signal: AbortSignal;
}
