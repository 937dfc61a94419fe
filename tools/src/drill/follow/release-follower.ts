import type { AwsClients } from '../../aws/clients';
import type { ReleaseTargetRef } from '../../aws/resolve-controller';
import { codeDeployFollower } from './codedeploy-follower';
import type { ReleaseFollower } from './followed-release';
import { nativeFollower } from './native-follower';

/** The follower for the controller the stack (or the flag) names. */
export function releaseFollower(aws: AwsClients, target: ReleaseTargetRef): ReleaseFollower {
  return target.controller === 'ecs'
    ? nativeFollower(aws.ecs(), target.service)
    : codeDeployFollower(aws.codeDeploy(), target.group);
}
