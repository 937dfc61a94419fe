import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildRelease } from '../../../src/up/release/build-release';
import { openRehearsalRemote, type RehearsalRemote } from '../../../src/up/release/rehearsal-remote';
import type { BuiltRelease, PushedCommit, ReleaseBuilderOptions } from '../../../src/up/release/types';
import { faultsOf, git } from '../../helpers/temp-repo';

/*
 * This repository's own release, through up's Source and Build without containers: a full build of HEAD
 * (npm ci, lint, type check, release tests, the folder image), then a flip-only commit pushed to the
 * rehearsal remote, which must reuse the first build's image and release the flipped FAULTS. Minutes: the
 * full build runs the buildspec's own checks.
 */
const ROOT = path.join(__dirname, '../../../..');

const push = (cwd: string): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn('git', ['push', '--quiet', 'rehearsal', 'HEAD:main'], { cwd, stdio: 'ignore' });
    child.once('close', (code) => resolve(code ?? 1));
  });

async function next(remote: RehearsalRemote): Promise<PushedCommit> {
  for await (const pushed of remote.pushes()) return pushed;
  throw new Error('the remote closed before a push arrived');
}

describe('buildRelease on this repository, without containers', () => {
  let clone: string;
  let remote: RehearsalRemote | undefined;
  beforeAll(() => {
    clone = path.join(mkdtempSync(path.join(tmpdir(), 'up-release-')), 'repo');
    git(ROOT, 'clone', '--quiet', '--no-hardlinks', ROOT, clone);
    git(clone, 'config', 'user.email', 'up@example.com');
    git(clone, 'config', 'user.name', 'Up Test');
    git(clone, 'config', 'commit.gpgsign', 'false');
  });
  afterAll(async () => {
    await remote?.close();
    rmSync(path.dirname(clone), { recursive: true, force: true });
  });

  test(
    'a flip-only push after a full build reuses its image and releases the flipped FAULTS',
    async () => {
      const lines: string[] = [];
      const options: ReleaseBuilderOptions = {
        repoRoot: clone,
        container: false,
        log: (line) => lines.push(line),
        signal: new AbortController().signal,
      };
      remote = await openRehearsalRemote(clone, () => {});
      const full: BuiltRelease = await buildRelease(await remote.pushHead(), options);
      // The detail in the comparison: a failed build shows its phase and command.
      expect({ outcome: full.outcome, detail: full.detail }).toMatchObject({ outcome: 'released' });
      expect(full.reused).toBe(false);
      const image = full.image!.runnable;
      expect(image.kind).toBe('folder');
      const dir = image.kind === 'folder' ? image.dir : '';
      expect(existsSync(path.join(dir, 'dist/app/src/server.js'))).toBe(true);
      expect(existsSync(path.join(dir, 'node_modules/express/package.json'))).toBe(true);
      // Production dependencies only, as the Dockerfile's prod-deps stage prunes to.
      expect(existsSync(path.join(dir, 'node_modules/typescript'))).toBe(false);

      execFileSync(
        process.execPath,
        [path.join(ROOT, 'dist/tools/src/cli.js'), 'flip', 'health-fail', '--commit'],
        {
          cwd: clone,
          stdio: 'ignore',
        },
      );
      expect(await push(clone)).toBe(0);
      const flip = await buildRelease(await next(remote), options);

      expect({ outcome: flip.outcome, detail: flip.detail }).toMatchObject({ outcome: 'released' });
      expect(flip.reused).toBe(true);
      expect(flip.image?.digest).toBe(full.image?.digest);
      expect(faultsOf(readFileSync(path.join(flip.releaseDir!, 'taskdef.json'), 'utf8'))).toBe('health-fail');
      expect(faultsOf(readFileSync(path.join(full.releaseDir!, 'taskdef.json'), 'utf8'))).toBe('');
      expect(readFileSync(flip.logFile, 'utf8')).not.toContain('npm ci --no-audit --no-fund\nadded');
      process.stdout.write(
        `full build ${(full.buildMs / 1000).toFixed(1)} s, flip-only build ${(flip.buildMs / 1000).toFixed(1)} s\n`,
      );
    },
    40 * 60_000,
  );
});
