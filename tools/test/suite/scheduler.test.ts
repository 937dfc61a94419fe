import { runLimited } from '../../src/suite/scheduler';

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('runLimited', () => {
  test('never runs more than the limit at once, and starts the next as soon as one ends', async () => {
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const all = runLimited([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      await gates[i]!.promise;
      running--;
      return i;
    });
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    await all;
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  test('returns results in the order of the items, not the order they finish in', async () => {
    const delays = [30, 5, 20, 0, 10];
    const results = await runLimited(delays, 3, async (ms, i) => {
      await new Promise((r) => setTimeout(r, ms));
      return `item ${i}`;
    });
    expect(results).toEqual(['item 0', 'item 1', 'item 2', 'item 3', 'item 4']);
  });

  test('a limit above the number of items runs them all at once', async () => {
    let running = 0;
    let most = 0;
    await runLimited([1, 2, 3], 10, async () => {
      running++;
      most = Math.max(most, running);
      await flush();
      running--;
    });
    expect(most).toBe(3);
  });

  test.each([0, 1.5, -1])('rejects a limit of %p', async (limit) => {
    await expect(runLimited([1], limit, () => Promise.resolve(1))).rejects.toThrow(/limit/);
  });
});
