import { formatDuration } from '../../experiment/format-duration';
import type { HeldNotice } from '../rehearsal/rehearsal';
import { CONTROLLER_NAME } from '../controllers/controller-label';

/** The gate's form under each controller, in its own words. */
const GATE_FORM = {
  codedeploy: "CodeDeploy's wait before rerouting traffic",
  ecs: "ECS's PAUSE hook at POST_TEST_TRAFFIC_SHIFT",
} as const;

/**
 * What a person reads once the deployment holds: what holds, when it times out and what happens then (in
 * AWS time and in the rehearsal's real time), where green answers, and the two commands that end the hold.
 */
export function formatHeldNotice(notice: HeldNotice): string {
  const aws = formatDuration(notice.waitSeconds * 1000);
  const real = formatDuration(notice.waitMs);
  return [
    '',
    `HELD before production traffic (${GATE_FORM[notice.controller]}): green passed to the test listener, ${CONTROLLER_NAME[notice.controller]} waits for you; production stays on blue.`,
    `  time-out:   ${notice.onTimeout} in ${aws} of AWS time = ${real} real at time scale ${notice.timeScale}`,
    `  probe green meanwhile: curl ${notice.testUrl}/  (the test listener)`,
    '  go on:      npm run rehearse -- continue --local',
    '  take back:  npm run rehearse -- rollback --local',
    '',
  ].join('\n');
}
