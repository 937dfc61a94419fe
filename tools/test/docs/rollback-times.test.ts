import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_ASSUMPTIONS,
  formatRollbackTable,
  predictRollbackTimes,
  timingInputsFromSettings,
} from '../../../core/model/rollback-time';
import { settings } from '../../../contract/settings';

const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/rollback-times.md'), 'utf8');

describe('docs/rollback-times.md', () => {
  it('shows the tables the rehearsal model gives with the settings, CodeDeploy first, then native ECS', () => {
    const blocks = [...doc.matchAll(/```text\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    // On failure, paste the model's tables into the text blocks.
    expect(blocks).toEqual(
      (['codedeploy', 'ecs'] as const).map((controller) =>
        formatRollbackTable(predictRollbackTimes(timingInputsFromSettings(settings, undefined, controller))),
      ),
    );
  });

  it('lists every assumption the model makes, with its value', () => {
    for (const [name, seconds] of Object.entries(DEFAULT_ASSUMPTIONS))
      expect(doc).toMatch(new RegExp(`\\| \`${name}\` +\\| ${seconds} +\\|`));
  });
});
