/*
 * The deploy settings live in deploy-settings.json, which no CDK command writes, and not in
 * cdk.context.json, the CLI's context cache that `cdk context --clear` empties.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEPLOY_SETTINGS_FILE, deploySettingsLookup, readDeploySettings } from '../lib/deploy-settings';
import { parseServiceContext } from '../lib/service-context';

const ROOT = path.join(__dirname, '..', '..');
const SETTINGS = { alarmEmail: 'ops@example.com', desiredCount: 3, githubOwner: 'example-org' };
/** A look-up the CLI cached, as `cdk context` manages it. */
const CACHED_LOOKUP = { 'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'] };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, value: unknown): void =>
  fs.writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
const noContext = (): undefined => undefined;

describe(`${DEPLOY_SETTINGS_FILE}`, () => {
  it('survives the real `cdk context --clear`, which empties the cache, and the app still reads it', () => {
    fs.copyFileSync(path.join(ROOT, 'cdk.json'), path.join(dir, 'cdk.json'));
    write(DEPLOY_SETTINGS_FILE, SETTINGS);
    write('cdk.context.json', CACHED_LOOKUP);
    const before = { settings: read(DEPLOY_SETTINGS_FILE), cdkJson: read('cdk.json') };

    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['context', '--clear', '--no-notices'], {
      cwd: dir,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      stdio: 'pipe',
      timeout: 60_000,
    });

    expect(JSON.parse(read('cdk.context.json'))).toEqual({});
    expect({ settings: read(DEPLOY_SETTINGS_FILE), cdkJson: read('cdk.json') }).toEqual(before);
    const context = parseServiceContext(deploySettingsLookup(dir, noContext));
    expect(context).toMatchObject({ alarmEmail: SETTINGS.alarmEmail, desiredCount: SETTINGS.desiredCount });
  });

  it('gives way to context on the command line, key by key', () => {
    write(DEPLOY_SETTINGS_FILE, SETTINGS);
    const setting = deploySettingsLookup(dir, (key) => (key === 'desiredCount' ? '5' : undefined));
    expect([setting('desiredCount'), setting('alarmEmail'), setting('certificateArn')]).toEqual([
      '5',
      SETTINGS.alarmEmail,
      undefined,
    ]);
  });

  it('is optional: without it every setting takes its default', () => {
    expect(readDeploySettings(dir)).toEqual({});
  });

  it.each([
    [
      'a key that is no setting',
      { alarmEmail: 'a@b.co', alarmMail: 'x' },
      '"alarmMail" is not a deploy setting',
    ],
    ['text that is not JSON', '{ alarmEmail: ', 'is not JSON'],
    ['a list instead of an object', '[]', 'must hold one JSON object of settings'],
  ])('with %s stops synthesis, saying what is wrong', (_name, content, message) => {
    write(DEPLOY_SETTINGS_FILE, content);
    expect(() => deploySettingsLookup(dir, noContext)).toThrow(message);
  });

  it('refuses to run while cdk.context.json still holds settings, naming them and where they go', () => {
    write('cdk.context.json', { ...CACHED_LOOKUP, alarmEmail: 'ops@example.com', controller: 'ecs' });
    expect(() => deploySettingsLookup(dir, noContext)).toThrow(
      'cdk.context.json holds deploy settings (alarmEmail, controller), where `cdk context --clear` would delete them: move them to deploy-settings.json',
    );
  });

  it('lets cdk.context.json keep the look-ups the CLI caches', () => {
    write('cdk.context.json', CACHED_LOOKUP);
    expect(deploySettingsLookup(dir, noContext)('alarmEmail')).toBeUndefined();
  });
});
