import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli';
import type { ControlVerb } from '../../src/local/control/control-protocol';
import { listenForControl, type ControlServer } from '../../src/local/control/control-server';
import { testDeps } from '../helpers/test-deps';

/* rollback --local and continue --local as another terminal runs them, against a listening stand-in. */
describe('rollback --local and continue --local', () => {
  let root: string;
  let server: ControlServer | undefined;
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'verbs-'))));
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  const listen = async (answers: Partial<Record<ControlVerb, string>>) => {
    const asked: ControlVerb[] = [];
    server = await listenForControl({
      root,
      handle: (verb) => (
        asked.push(verb),
        { ok: answers[verb] !== undefined, message: answers[verb] ?? 'Nothing is held.' }
      ),
    });
    return asked;
  };

  test.each<ControlVerb>(['rollback', 'continue', 'undo'])(
    '%s --local with no rehearsal running says so and exits 1',
    async (verb) => {
      const deps = testDeps({ cwd: root });
      expect(await main([verb, '--local'], deps)).toBe(1);
      expect(deps.stderr.text).toContain(`No local rehearsal is running in ${root}`);
    },
  );

  test('rollback --local sends the verb and exits 0 when the rehearsal rolled back', async () => {
    const asked = await listen({ rollback: 'Stopped deployment d-LOCAL with rollback.' });
    const deps = testDeps({ cwd: root });
    expect(await main(['rollback', '--local'], deps)).toBe(0);
    expect(asked).toEqual(['rollback']);
    expect(deps.stderr.text).toBe('Stopped deployment d-LOCAL with rollback.\n');
  });

  test('undo --local sends the verb to up and says what it answered', async () => {
    const asked = await listen({ undo: 'Undo: release 3 releases release 1 again.' });
    const deps = testDeps({ cwd: root });
    expect(await main(['undo', '--local'], deps)).toBe(0);
    expect(asked).toEqual(['undo']);
    expect(deps.stderr.text).toBe('Undo: release 3 releases release 1 again.\n');
    const refused = testDeps({ cwd: root });
    await server?.close();
    server = undefined;
    expect(await main(['undo', '--local', '--poll', '1s'], refused)).toBe(2);
    expect(refused.stderr.text).toContain('--local takes none of the AWS flags; got --poll');
    const gone = testDeps({ cwd: root });
    expect(await main(['undo', '--local'], gone)).toBe(1);
    expect(gone.stderr.text).toContain('start one with `npm run rehearse -- up`');
  });

  test('continue --local with nothing held exits 1 with the rehearsal answer; --json carries it on stdout', async () => {
    await listen({});
    const deps = testDeps({ cwd: root });
    expect(await main(['continue', '--local', '--json'], deps)).toBe(1);
    expect(JSON.parse(deps.stdout.text)).toEqual({
      schemaVersion: 1,
      verb: 'continue',
      local: true,
      ok: false,
      reached: true,
      message: 'Nothing is held.',
    });
  });

  test('rollback --local and continue --local take no AWS flag: usage errors, nothing sent', async () => {
    const asked = await listen({ rollback: 'done', continue: 'done' });
    const withAws = testDeps({ cwd: root });
    expect(await main(['rollback', '--local', '--controller', 'ecs'], withAws)).toBe(2);
    expect(withAws.stderr.text).toContain('--local takes none of the AWS flags; got --controller');
    const both = testDeps({ cwd: root });
    expect(await main(['continue', '--local', '--no-wait'], both)).toBe(2);
    expect(both.stderr.text).toContain('--local takes none of the AWS flags; got --no-wait');
    expect(asked).toEqual([]);
  });
});
