import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  ReleasePipeline,
  type GitHubSource,
  type ReleasePipelineProps,
  type ReleaseTarget,
} from './release-pipeline';
import { OUTPUT_KEYS } from '../../contract/stack-outputs';

export interface ReleasePipelineStackProps extends StackProps {
  readonly source: GitHubSource;
  /** The service stack (or anything exposing the same members). */
  readonly target: ReleaseTarget;
  /** Passed to {@link ReleasePipeline}; see its props for defaults. */
  readonly pipeline?: Omit<ReleasePipelineProps, 'source' | 'target'>;
}

/**
 * The release pipeline in a stack of its own. The service stack deploys without GitHub, and the pipeline
 * only references it (one direction), so `cdk deploy --all` deploys the service first and the pipeline
 * second, and the service can be redeployed without touching a running release.
 */
export class ReleasePipelineStack extends Stack {
  readonly release: ReleasePipeline;

  constructor(scope: Construct, id: string, props: ReleasePipelineStackProps) {
    super(scope, id, props);
    this.release = new ReleasePipeline(this, 'Release', {
      ...props.pipeline,
      source: props.source,
      target: props.target,
    });
    new CfnOutput(this, OUTPUT_KEYS.pipelineName, { value: this.release.pipeline.pipelineName });
  }
}
