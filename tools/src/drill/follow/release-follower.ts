import type { AwsClients } from '../../aws/clients';
import type { ReleaseTargetRef } from '../../aws/resolve-controller';
import { whatRunsClients } from '../../aws/what-runs/confirm-release';
import { codeDeployFollower } from './codedeploy-follower';
import type { ReleaseFollower } from './followed-release';
import { nativeFollower } from './native-follower';

/** The follower for the controller the stack (or the flag) names. */
export function releaseFollower(aws: AwsClients, target: ReleaseTargetRef): ReleaseFollower {
  const whatRuns = whatRunsClients(aws);
  return target.controller === 'ecs'
    ? nativeFollower(aws.ecs(), target.service, whatRuns)
    : codeDeployFollower(aws.codeDeploy(), target.group, whatRuns);
}
