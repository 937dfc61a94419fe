import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAppSpec } from '../../release/render-appspec';
import { SAMPLE } from './sample-variables';

const TEMPLATE = readFileSync(join(__dirname, '../../../appspec.yml'), 'utf8');

describe('renderAppSpec', () => {
  it('keeps the file as written, version 0.0 and the task definition placeholder included', () => {
    const { text, appSpec } = renderAppSpec(TEMPLATE, SAMPLE);
    expect(text).toBe(TEMPLATE);
    expect(appSpec.version).toBe(0);
    expect(appSpec.Resources[0].TargetService.Properties.TaskDefinition).toBe('<TASK_DEFINITION>');
  });

  it('fills a placeholder with the build variable and keeps the quoting and comments', () => {
    const template = TEMPLATE.replace(`'${SAMPLE.hookFunctionName}'`, "'{{HOOK_FUNCTION_NAME}}'");
    const { text, appSpec } = renderAppSpec(template, {
      ...SAMPLE,
      hookFunctionName: 'CodeDeployHook_Other',
    });
    expect(appSpec.Hooks).toEqual([{ AfterAllowTestTraffic: 'CodeDeployHook_Other' }]);
    expect(text).toContain("  - AfterAllowTestTraffic: 'CodeDeployHook_Other'");
    expect(text).toMatch(/^version: 0\.0$/m);
    expect(text).toContain('# Probes green through the test listener');
  });

  it('refuses a fixed task definition, which would make CodeDeploy ignore the new revision', () => {
    const bad = TEMPLATE.replace(
      "'<TASK_DEFINITION>'",
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/x:1',
    );
    expect(() => renderAppSpec(bad, SAMPLE)).toThrow(
      /appspec\.yml TaskDefinition: must be "<TASK_DEFINITION>"/,
    );
  });

  it('refuses an unknown lifecycle event', () => {
    const bad = TEMPLATE.replace('AfterAllowTestTraffic:', 'AfterTestTraffic:');
    expect(() => renderAppSpec(bad, SAMPLE)).toThrow(
      /appspec\.yml Hooks\[0\]: must be one "<event>: <function name>"/,
    );
  });

  it('refuses YAML that does not parse, naming the file', () => {
    expect(() => renderAppSpec(`${TEMPLATE}\n  - : : [`, SAMPLE)).toThrow(/^appspec\.yml: is not valid YAML/);
  });

  it('refuses the task definition placeholder written a second time, outside TaskDefinition', () => {
    const bad = TEMPLATE.replace("PlatformVersion: 'LATEST'", "PlatformVersion: '<TASK_DEFINITION>'");
    expect(() => renderAppSpec(bad, SAMPLE)).toThrow(
      /^appspec\.yml: writes <TASK_DEFINITION> 2 times; write it once, as Resources\[0\]\.TargetService\.Properties\.TaskDefinition/,
    );
  });

  it('refuses an AppSpec without the task definition placeholder', () => {
    const bad = TEMPLATE.replace("TaskDefinition: '<TASK_DEFINITION>'", "TaskDefinition: ''");
    expect(() => renderAppSpec(bad, SAMPLE)).toThrow(/TaskDefinition: must be "<TASK_DEFINITION>"/);
  });
});
