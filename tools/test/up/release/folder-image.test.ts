import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUILD_STAGE_COMMAND,
  BUILD_STAGE_FILES,
  folderImageDigest,
  RUNTIME_FILES,
  runtimeConfig,
} from '../../../src/up/release/folder-image';

const dockerfile = readFileSync(path.join(__dirname, '../../../../Dockerfile'), 'utf8');
/** The Dockerfile's instructions with continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.replace(/\s+/g, ' ').trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('the folder image follows the Dockerfile', () => {
  test('copies the files the build stage copies and runs its command', () => {
    const copied = instructions
      .filter((line) => /^COPY (?!--from)/.test(line))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect([...copied].sort()).toEqual([...BUILD_STAGE_FILES].sort());
    expect(instructions).toContain(`RUN ${BUILD_STAGE_COMMAND}`);
  });

  test('holds what the runtime stage copies from the others', () => {
    const fromStages = instructions
      .filter((line) => line.startsWith('COPY --from='))
      .map((line) => {
        const [, stage, source] = /^COPY --from=(\S+) \/app\/(\S+)/.exec(line) ?? [];
        return `${stage}:${source}`;
      });
    expect(fromStages).toEqual([...RUNTIME_FILES]);
  });

  test("runs as the runtime stage's user, entry point, command and environment", () => {
    const config = runtimeConfig('abc', 'https://example.com');
    expect(instructions).toContain(`USER ${config.user}`);
    expect(instructions).toContain(`WORKDIR ${config.workingDir}`);
    expect(instructions).toContain(`ENTRYPOINT ${JSON.stringify(config.entrypoint).replace(/,/g, ', ')}`);
    expect(instructions).toContain(`CMD ${JSON.stringify(config.cmd)}`);
    expect(instructions).toContain('ENV NODE_ENV=production APP_VERSION=${APP_VERSION}');
    expect(config.env).toEqual({ NODE_ENV: 'production', APP_VERSION: 'abc' });
  });
});

describe('folderImageDigest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'folder-image-'));
    mkdirSync(path.join(dir, 'app/dist'), { recursive: true });
    writeFileSync(path.join(dir, 'app/dist/server.js'), 'listen()\n');
    writeFileSync(path.join(dir, 'config.json'), '{"user":"1000:1000"}\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('is the same for the same content and changes with a file or the config', () => {
    const digest = folderImageDigest(dir);
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(folderImageDigest(dir)).toBe(digest);
    writeFileSync(path.join(dir, 'app/dist/server.js'), 'listen(1)\n');
    const changedFile = folderImageDigest(dir);
    expect(changedFile).not.toBe(digest);
    writeFileSync(path.join(dir, 'config.json'), '{"user":"0:0"}\n');
    expect(folderImageDigest(dir)).not.toBe(changedFile);
  });
});
