import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_ASSUMPTIONS,
  formatRollbackTable,
  predictRollbackTimes,
  timingInputsFromSettings,
} from '../../../core/model/rollback-time';

const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/rollback-times.md'), 'utf8');

describe('docs/rollback-times.md', () => {
  it('shows the table the rehearsal model gives with the settings', () => {
    const block = /```text\n([\s\S]*?)\n```/.exec(doc)?.[1];
    // On failure, paste the model's table into the text block.
    expect(block).toBe(formatRollbackTable(predictRollbackTimes(timingInputsFromSettings())));
  });

  it('lists every assumption the model makes, with its value', () => {
    for (const [name, seconds] of Object.entries(DEFAULT_ASSUMPTIONS))
      expect(doc).toMatch(new RegExp(`\\| \`${name}\` +\\| ${seconds} +\\|`));
  });
});
