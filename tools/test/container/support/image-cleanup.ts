import { engineCommand, imageExists, inspectImage, type Engine } from '../../../src/container/engine';

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** Every image id now in the store. */
export async function listImageIds(engine: Engine): Promise<Set<string>> {
  const listed = await engineCommand(engine, ['images', '--all', '--quiet', '--no-trunc']);
  return new Set(lines(listed.stdout));
}

/**
 * Removes the untagged images that appeared since `before`: the build's intermediate stages (podman keeps
 * them as its cache), so repeated cold builds do not fill the disk. A build running beside the test may
 * lose cache entries that way, never an image in use: the engine refuses to remove those.
 */
export async function removeNewUntagged(
  engine: Engine,
  before: Set<string>,
  keep: readonly string[],
): Promise<void> {
  const keepIds = new Set<string>();
  for (const tag of keep)
    if (await imageExists(engine, tag)) keepIds.add((await inspectImage(engine, tag)).id);
  const dangling = await engineCommand(engine, [
    'images',
    '--all',
    '--quiet',
    '--no-trunc',
    '--filter',
    'dangling=true',
  ]);
  const created = lines(dangling.stdout).filter(
    (id) => !before.has(id) && !keepIds.has(id) && !keepIds.has(id.replace(/^sha256:/, '')),
  );
  if (created.length > 0) await engineCommand(engine, ['image', 'rm', ...created]);
}
