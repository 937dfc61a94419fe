import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/* One Node major wherever the code runs: the image, the release build, CI and a developer's nvm. */
const ROOT = join(__dirname, '../../..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const nvmrc = read('.nvmrc').trim();

describe('the Node major', () => {
  it('is one whole major in .nvmrc', () => {
    expect(nvmrc).toMatch(/^\d+$/);
  });

  it('is the image base image tag', () => {
    const base = /^ARG BASE_IMAGE=\S+:(\d+)-/m.exec(read('Dockerfile'));
    expect(base?.[1]).toBe(nvmrc);
  });

  it('is the runtime the release build asks CodeBuild for', () => {
    const buildspec = parse(read('buildspec.yml')) as {
      phases: { install: { 'runtime-versions': { nodejs: unknown } } };
    };
    expect(String(buildspec.phases.install['runtime-versions'].nodejs)).toBe(nvmrc);
  });

  it('is what every GitHub Actions job sets up', () => {
    const workflows = readdirSync(join(ROOT, '.github/workflows')).map((file) =>
      read(`.github/workflows/${file}`),
    );
    const versions = workflows.flatMap((text) =>
      [...text.matchAll(/node-version(?:-file)?:\s*(\S+)/g)].map((m) => m[1]),
    );
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(['.nvmrc', nvmrc]).toContain(version);
  });

  it('is allowed by package.json engines, which may also admit older majors for local tooling', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const minimum = Number(/>=\s*(\d+)/.exec(engines)?.[1]);
    expect(Number(nvmrc)).toBeGreaterThanOrEqual(minimum);
  });
});
