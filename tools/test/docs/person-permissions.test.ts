import fs from 'node:fs';
import path from 'node:path';
import { markdownSection } from '../../../contract/test/support/markdown';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(file) : entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** IAM actions as `prefix:Action` for every SDK command the tools send (`new XCommand(`). */
function actionsTheToolsCall(): string[] {
  const actions = new Set<string>();
  for (const file of sources(path.join(ROOT, 'tools/src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, names, client] of text.matchAll(
      /import\s*{([^}]*)}\s*from\s*'@aws-sdk\/client-([a-z-]+)'/g,
    )) {
      for (const name of names!.split(',').map((n) => n.trim())) {
        const command = /^(\w+)Command$/.exec(name)?.[1];
        if (command && text.includes(`new ${name}(`)) actions.add(`${client}:${command}`);
      }
    }
  }
  return [...actions].sort();
}

describe("the runbook's permissions for the person who rehearses", () => {
  it('names every AWS call that watch and drill make', () => {
    const section = markdownSection(
      fs.readFileSync(path.join(ROOT, 'docs/runbook.md'), 'utf8'),
      'Permissions for the person who rehearses',
      'docs/runbook.md',
    );
    const called = actionsTheToolsCall();

    expect(called).toEqual(
      expect.arrayContaining(['codepipeline:ListPipelineExecutions', 'codedeploy:GetDeployment']),
    );
    // GetCallerIdentity needs no permission; the runbook says so in words.
    expect(
      called.filter((action) => action !== 'sts:GetCallerIdentity' && !section.includes(`\`${action}\``)),
    ).toEqual([]);
  });
});
