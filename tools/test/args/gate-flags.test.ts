import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deploySettingsGate, gateFlags } from '../../src/args/gate-flags';
import { UsageError } from '../../src/args/parse-command-args';

const none = () => undefined;
const fromFile = () => ({ waitSeconds: 1800, onTimeout: 'continue' as const });

describe('the local gate flags', () => {
  test('no gate unless asked for', () => {
    expect(gateFlags({}, 'codedeploy', none)).toBeUndefined();
  });

  test('--gate holds an hour of AWS time with rollback by default; the time-out takes seconds or units', () => {
    expect(gateFlags({ gate: true }, 'codedeploy', none)).toEqual({
      waitSeconds: 3600,
      onTimeout: 'rollback',
    });
    expect(gateFlags({ gate: true, 'gate-timeout': '90' }, 'ecs', none)).toEqual({
      waitSeconds: 90,
      onTimeout: 'rollback',
    });
    expect(
      gateFlags({ gate: true, 'gate-timeout': '10m', 'gate-timeout-action': 'continue' }, 'ecs', none),
    ).toEqual({ waitSeconds: 600, onTimeout: 'continue' });
  });

  test('deploy-settings.json gate applies without --gate, flags override it, and --no-gate turns it off', () => {
    expect(gateFlags({}, 'ecs', fromFile)).toEqual({ waitSeconds: 1800, onTimeout: 'continue' });
    expect(gateFlags({ 'gate-timeout': '60' }, 'ecs', fromFile)).toEqual({
      waitSeconds: 60,
      onTimeout: 'continue',
    });
    expect(gateFlags({ 'no-gate': true }, 'ecs', fromFile)).toBeUndefined();
  });

  test.each([
    [{ 'gate-timeout': '60' }, 'codedeploy', /--gate-timeout needs --gate/],
    [{ 'gate-timeout-action': 'rollback' }, 'codedeploy', /--gate-timeout-action needs --gate/],
    [
      { gate: true, 'gate-timeout-action': 'continue' },
      'codedeploy',
      /CodeDeploy stops a deployment whose wait/,
    ],
    [{ gate: true, 'gate-timeout-action': 'promote' }, 'ecs', /must be rollback or continue, got "promote"/],
    [{ gate: true, 'gate-timeout': '0' }, 'ecs', /--gate-timeout needs/],
    [{ gate: true, 'gate-timeout': '49h' }, 'codedeploy', /2880 minutes/],
    [{ gate: true, 'no-gate': true }, 'ecs', /--no-gate takes no other gate flag/],
  ] as const)('%j under %s is a usage error', (values, controller, message) => {
    expect(() => gateFlags(values, controller, none)).toThrow(UsageError);
    expect(() => gateFlags(values, controller, none)).toThrow(message);
  });
});

describe("deploy-settings.json's gate", () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'gate-settings-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const write = (settings: object) =>
    writeFileSync(path.join(root, 'deploy-settings.json'), JSON.stringify(settings));

  test('none without the file or without the key', () => {
    expect(deploySettingsGate(root, 'codedeploy')).toBeUndefined();
    write({ alarmEmail: 'you@example.com' });
    expect(deploySettingsGate(root, 'codedeploy')).toBeUndefined();
  });

  test('waitMinutes and onTimeout as the stack reads them, rollback by default', () => {
    write({ gate: { waitMinutes: 30 } });
    expect(deploySettingsGate(root, 'codedeploy')).toEqual({ waitSeconds: 1800, onTimeout: 'rollback' });
    write({ gate: { waitMinutes: 5, onTimeout: 'continue' } });
    expect(deploySettingsGate(root, 'ecs')).toEqual({ waitSeconds: 300, onTimeout: 'continue' });
  });

  test('a setting the stack would refuse is an error naming the file', () => {
    write({ gate: { waitMinutes: 5, onTimeout: 'continue' } });
    expect(() => deploySettingsGate(root, 'codedeploy')).toThrow(
      /deploy-settings.json: context gate.onTimeout="continue" needs the ecs controller/,
    );
    write({ gate: { waitMinutes: 0.5 } });
    expect(() => deploySettingsGate(root, 'ecs')).toThrow(
      /deploy-settings.json: context gate.waitMinutes=0.5 must be a whole number of minutes from 1 to 1380/,
    );
  });
});
