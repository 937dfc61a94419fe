/**
 * A clock that moves only when slept on: `sleep` records each wait and moves `now` forward by it at once,
 * so polling code runs without real waiting and the test can read the waits back from `sleeps`.
 */
export function sleepClock(start: number) {
  let clock = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: (): number => clock,
    sleep: (ms: number): Promise<void> => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  };
}
