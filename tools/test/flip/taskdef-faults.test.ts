import { readFaults, TaskDefError, writeFaults } from '../../src/flip/taskdef-faults';
import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';

const original = taskdefWithFaults('');

describe('taskdef FAULTS editing', () => {
  it("changes only the FAULTS line of the repository's taskdef.json", () => {
    const next = writeFaults(original, 'error-rate=0.5');
    const before = original.split('\n');
    const after = next.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed).toEqual([expect.stringMatching(/^\s+"value": "error-rate=0.5",?$/)]);
    expect(readFaults(next)).toBe('error-rate=0.5');
    expect(next.endsWith('}\n')).toBe(true);
  });

  it('edits a differently formatted file in place without reformatting it', () => {
    const compact =
      '{"containerDefinitions":[{"name":"app","environment":[{"name":"FAULTS","value":""},{"name":"APP_VERSION","value":"1"}]}]}';
    expect(writeFaults(compact, 'latency=2000')).toBe(
      compact.replace('"value":""', '"value":"latency=2000"'),
    );
  });

  it.each([
    ['{ not json', /not valid JSON/],
    ['{"containerDefinitions":[{"name":"other","environment":[]}]}', /no container named "app"/],
    [
      '{"containerDefinitions":[{"name":"app","environment":[{"name":"APP_VERSION","value":"1"}]}]}',
      /no FAULTS entry/,
    ],
    // JSON that parses but is not a task definition: named, never a TypeError from deep inside.
    ['null', /must hold a task definition object, got null/],
    ['[]', /must hold a task definition object, got an array/],
    ['"taskdef"', /must hold a task definition object, got a string/],
    ['{"containerDefinitions": 5}', /containerDefinitions must be an array, got a number/],
    ['{"containerDefinitions": [null]}', /containerDefinitions\[0\] must be an object, got null/],
    [
      '{"containerDefinitions": [{"name": "app", "environment": {"FAULTS": ""}}]}',
      /containerDefinitions\[0\]\.environment must be an array, got an object/,
    ],
    [
      '{"containerDefinitions": [{"name": "x"}, {"name": "app", "environment": [null]}]}',
      /containerDefinitions\[1\]\.environment\[0\] must be an object, got null/,
    ],
    [
      '{"containerDefinitions": [{"name": "app", "environment": [{"name": "FAULTS", "value": ""}, {"name": "FAULTS", "value": "latency"}]}]}',
      /has 2 FAULTS entries in environment; keep one/,
    ],
  ])('refuses %s', (text, message) => {
    expect(() => writeFaults(text, 'health-fail', 'x.json')).toThrow(TaskDefError);
    expect(() => writeFaults(text, 'health-fail', 'x.json')).toThrow(message);
    expect(() => readFaults(text, 'x.json')).toThrow(TaskDefError);
  });
});
