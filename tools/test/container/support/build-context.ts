import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Top-level folders that are never part of the build context and can be large. */
const SKIP = new Set(['.git', 'node_modules', 'dist', 'cdk.out', 'reports', 'coverage', 'rehearsal-reports']);

/** A throw-away copy of the repository to build from, so the container test can change sources safely. */
export interface BuildContextCopy {
  readonly dir: string;
  dispose(): void;
}

/**
 * Copies the repository (without .git, node_modules and build output) to a temporary folder. The
 * .dockerignore allow-list still decides what the engine sends; this only keeps the real tree untouched.
 */
export function copyBuildContext(repoRoot: string): BuildContextCopy {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'container-test-context-'));
  cpSync(repoRoot, dir, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(repoRoot, source);
      const top = relative.split(path.sep)[0] ?? '';
      return !SKIP.has(top);
    },
  });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
