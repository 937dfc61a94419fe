import { settings } from '../../../contract/settings';
import { gateTimes } from '../../model/gate-time';
import { decidingPrediction, timingInputsFromSettings } from '../../model/rollback-time';
import { DEFAULT_ASSUMPTIONS, signalPaths } from '../../model/signal-paths';
import { parseFaults } from '../../../contract/faults/parse-faults';

const paths = (controller: 'codedeploy' | 'ecs') =>
  signalPaths(timingInputsFromSettings(settings, undefined, controller), DEFAULT_ASSUMPTIONS);

describe('the gate in the rehearsal model', () => {
  it('under CodeDeploy starts the wait with green and, unanswered, stops the release at its end', () => {
    const p = paths('codedeploy');
    const times = gateTimes(
      'codedeploy',
      { waitSeconds: 1800, onTimeout: 'rollback' },
      p.hookStartsAt,
      p.hookBurstEndsAt,
    );
    expect(times).toMatchObject({
      holdStartsAt: 0,
      expiresAt: 1800,
      unanswered: 'stopped',
      rollbackTriggerAdds: 0,
    });
    // The hook runs inside the wait, so a success waits at most for the rest of it.
    expect(times.successAddsAtMost).toBeCloseTo(1800 - p.hookBurstEndsAt);
    expect(times.queuedPushWaitsAtMost).toBe(1800);
  });

  it('under ECS starts the pause with the hook and ends it with its own time-out action', () => {
    const p = paths('ecs');
    const rollback = gateTimes(
      'ecs',
      { waitSeconds: 600, onTimeout: 'rollback' },
      p.hookStartsAt,
      p.hookBurstEndsAt,
    );
    const goOn = gateTimes(
      'ecs',
      { waitSeconds: 600, onTimeout: 'continue' },
      p.hookStartsAt,
      p.hookBurstEndsAt,
    );
    expect(rollback).toMatchObject({
      holdStartsAt: p.hookStartsAt,
      expiresAt: p.hookStartsAt + 600,
      unanswered: 'rolled-back',
    });
    expect(goOn.unanswered).toBe('goes-on');
    expect(rollback.successAddsAtMost).toBeCloseTo(600 - (p.hookBurstEndsAt - p.hookStartsAt));
  });

  it('adds nothing to a caught fault: its signal comes before a release could leave the hold', () => {
    const inputs = timingInputsFromSettings(settings, undefined, 'codedeploy');
    const p = signalPaths(inputs, DEFAULT_ASSUMPTIONS);
    const caught = decidingPrediction(parseFaults('error-rate=0.2'), inputs)!;
    expect(caught.seconds).toBeLessThanOrEqual(p.hookBurstEndsAt + 1);
    expect(
      gateTimes('codedeploy', { waitSeconds: 60, onTimeout: 'rollback' }, p.hookStartsAt, p.hookBurstEndsAt)
        .rollbackTriggerAdds,
    ).toBe(0);
  });

  it('refuses "continue" under CodeDeploy, which can only stop', () => {
    expect(() => gateTimes('codedeploy', { waitSeconds: 60, onTimeout: 'continue' }, 10, 20)).toThrow(
      /needs the ecs controller/,
    );
  });
});
