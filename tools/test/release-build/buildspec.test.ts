import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuildspec } from '../../src/release-build/buildspec';

const ROOT = join(__dirname, '../../..');

const minimal = (phases: string, extra = ''): string =>
  `version: 0.2\nenv:\n  shell: bash\nphases:\n${phases}\nartifacts:\n  files:\n    - out.txt\n${extra}`;

describe('reading a buildspec', () => {
  it("reads the repository's buildspec.yml: its phases in CodeBuild's order, each aborting on failure", () => {
    const spec = parseBuildspec(readFileSync(join(ROOT, 'buildspec.yml'), 'utf8'));

    expect(spec.shell).toBe('bash');
    expect(spec.phases.map((p) => p.name)).toEqual(['install', 'pre_build', 'build']);
    expect(spec.phases.every((p) => p.onFailure === 'ABORT')).toBe(true);
    expect(spec.phases[0]!.runtimeVersions).toEqual({ nodejs: '24' });
    expect(spec.phases[1]!.commands).toContain('[ -n "$REUSED_DIGEST" ] || npm run test:release');
    expect(spec.artifacts).toEqual({
      baseDirectory: 'release',
      files: ['imageDetail.json', 'taskdef.json', 'appspec.yml'],
    });
    expect(spec.reports).toEqual([{ name: 'jest', baseDirectory: 'reports', files: ['junit.xml'] }]);
  });

  it('orders phases as CodeBuild runs them, whatever order the file lists them in', () => {
    const spec = parseBuildspec(
      minimal('  build:\n    commands: [b]\n  post_build:\n    commands: [c]\n  install:\n    commands: [a]'),
    );
    expect(spec.phases.map((p) => p.name)).toEqual(['install', 'build', 'post_build']);
  });

  it.each([
    ['a key it cannot run', minimal('  build:\n    commands: [b]', 'batch:\n  fast-fail: true\n'), /"batch"/],
    ['an unknown phase', minimal('  deploy:\n    commands: [b]'), /phases has "deploy"/],
    [
      'a bad on-failure',
      minimal('  build:\n    on-failure: RETRY\n    commands: [b]'),
      /on-failure is "RETRY"/,
    ],
    ['version 0.1', minimal('  build:\n    commands: [b]').replace('0.2', '0.1'), /version is 0.1/],
    ['the sh shell', minimal('  build:\n    commands: [b]').replace('shell: bash', 'shell: sh'), /bash only/],
  ])('refuses %s, naming it', (_, text, message) => {
    expect(() => parseBuildspec(text)).toThrow(message);
  });
});
