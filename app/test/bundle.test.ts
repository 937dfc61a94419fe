import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENTRIES } from '../bundle';

const root = path.resolve(__dirname, '../..');

describe('the built entries', () => {
  it.each(ENTRIES)(
    '%s holds the service code itself and loads only Node built-ins and dependencies (jest built it)',
    (entry) => {
      const code = readFileSync(path.join(root, entry), 'utf8');
      const required = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
      expect(required.length).toBeGreaterThan(0);
      expect(required.filter((id) => id.startsWith('.'))).toEqual([]);
      // The bundle keeps a source map that leads back to the TypeScript sources.
      const map = JSON.parse(readFileSync(path.join(root, `${entry}.map`), 'utf8')) as { sources: string[] };
      expect(map.sources).toContain('../../../contract/settings.ts');
    },
  );
});
