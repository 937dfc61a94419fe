import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { IMAGE_DETAIL_FILE, TASKDEF_FILE } from '../../../contract/release-file-names';
import { settings } from '../../../contract/settings';
import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';
import { startNativeDeployment, taskDefinitionInput } from '../../lambda/native-deploy/native-deployment';
import { renderReleaseFiles } from '../../release/render-release-files';
import { liveClients, liveService } from './live-service';
import { SAMPLE } from './sample-variables';

/**
 * What a fault flip changes under the `ecs` controller: the flip edits FAULTS in the commit's
 * taskdef.json; the build renders it; the native deploy function registers the rendered file. This follows
 * the repository's own templates through those steps to the RegisterTaskDefinition call.
 */
const ROOT = join(__dirname, '../../..');
const ecs = mockClient(ECSClient);
const SD = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/svc/abc';

async function registeredFaults(faults: string): Promise<string | undefined> {
  const files = renderReleaseFiles(
    taskdefWithFaults(faults),
    readFileSync(join(ROOT, 'appspec.yml'), 'utf8'),
    SAMPLE,
  );
  ecs.reset();
  liveService(ecs);
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: 'arn:td:2' } });
  ecs.on(UpdateServiceCommand).resolves({ service: { currentServiceDeployment: SD } });
  await startNativeDeployment(
    { ecs: new ECSClient({ region: 'eu-west-1' }), ...liveClients() },
    { cluster: 'c', service: 'svc' },
    taskDefinitionInput(files[TASKDEF_FILE], files[IMAGE_DETAIL_FILE]),
  );
  const input = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
  const container = input.containerDefinitions?.find((c) => c.name === settings.container.name);
  expect(container?.image).toBe(SAMPLE.imageUri);
  return container?.environment?.find((e) => e.name === 'FAULTS')?.value;
}

test.each(['health-fail', 'error-rate=0.2,latency=1500', ''])(
  'the native deploy function registers the FAULTS the commit flipped (%j)',
  async (faults) => {
    expect(await registeredFaults(faults)).toBe(faults);
  },
);
