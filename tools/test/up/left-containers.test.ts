import type { Engine } from '../../src/container/engine';
import { removeLeftTaskContainers } from '../../src/up/left-containers';

/** An engine whose `ps` lists `names`, recording every command. */
function fakeEngine(names: string[]): { engine: Engine; calls: string[][] } {
  const calls: string[][] = [];
  const engine: Engine = {
    kind: 'podman',
    command: 'podman',
    run: (_command, args) => {
      calls.push([...args]);
      const stdout = args[0] === 'ps' ? `${names.join('\n')}\n` : '';
      return Promise.resolve({ code: 0, stdout, stderr: '', missing: false });
    },
  };
  return { engine, calls };
}

describe('task containers a killed up left', () => {
  it("removes those whose starting process is gone and leaves a running one's and any other container", async () => {
    const { engine, calls } = fakeEngine([
      'rehearsal-111-abc-r2-1',
      'rehearsal-222-def-r3-1',
      'rehearsal-registry',
      'someone-else',
    ]);
    const left = await removeLeftTaskContainers(engine, (pid) => pid === 222);
    expect(left).toEqual(['rehearsal-111-abc-r2-1']);
    expect(calls.filter((c) => c[0] === 'rm')).toEqual([['rm', '--force', 'rehearsal-111-abc-r2-1']]);
  });
});
