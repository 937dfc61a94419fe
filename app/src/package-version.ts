import fs from 'node:fs';
import path from 'node:path';

/**
 * The `version` of the nearest package.json above `fromDir`. The same code runs from `app/src` (tests) and
 * `dist/app/src` (the image), so the file is found by walking up rather than by a fixed relative path.
 */
export function readPackageVersion(fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown };
      return typeof parsed.version === 'string' ? parsed.version : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
