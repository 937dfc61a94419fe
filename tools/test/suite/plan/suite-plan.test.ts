import { FAULT_NAMES } from '../../../../contract/faults/catalogue';
import { UsageError } from '../../../src/args/parse-command-args';
import { defaultFaultList, suitePlan } from '../../../src/suite/plan/suite-plan';

describe('suitePlan', () => {
  test('by default: the healthy release first, then every catalogue fault at its default value, in catalogue order', () => {
    const plan = suitePlan();
    expect(plan.map((e) => e.label)).toEqual(defaultFaultList().split(','));
    expect(plan[0]).toMatchObject({ label: 'none', slug: 'healthy', faults: {} });
    expect(plan.slice(1).map((e) => Object.keys(e.faults))).toEqual(FAULT_NAMES.map((name) => [name]));
    expect(plan.find((e) => e.label.startsWith('latency'))?.faults).toEqual({ latency: 2000 });
  });

  test('--faults chooses the rehearsals and their values, in the order given', () => {
    const plan = suitePlan('latency=500, health-fail');
    expect(plan.map((e) => e.label)).toEqual(['latency=500', 'health-fail']);
    expect(plan[0]!.faults).toEqual({ latency: 500 });
  });

  test('every rehearsal gets its own report folder name', () => {
    const plan = suitePlan('dependency-down=db.local:5432,dependency-down=db-local:5432');
    expect(plan.map((e) => e.slug)).toEqual([
      'dependency-down-db-local-5432',
      'dependency-down-db-local-5432-2',
    ]);
  });

  test('one controller keeps the fault folders; several give each controller its own folder and name', () => {
    expect(suitePlan('none', ['ecs'])).toEqual([
      { label: 'none', slug: 'healthy', faults: {}, controller: 'ecs', name: 'none', folder: 'healthy' },
    ]);
    const both = suitePlan('none,latency=500', ['codedeploy', 'ecs']);
    expect(both.map((e) => [e.name, e.controller, e.folder])).toEqual([
      ['none on codedeploy', 'codedeploy', 'codedeploy/healthy'],
      ['none on ecs', 'ecs', 'ecs/healthy'],
      ['latency=500 on codedeploy', 'codedeploy', 'codedeploy/latency-500'],
      ['latency=500 on ecs', 'ecs', 'ecs/latency-500'],
    ]);
    expect(suitePlan('none').map((e) => e.controller)).toEqual(['codedeploy']);
  });

  test.each([
    ['latency,latency=2000', /twice/],
    ['latency,,health-fail', /empty item/],
  ])('%p is a usage error about --faults', (list, message) => {
    expect(() => suitePlan(list)).toThrow(UsageError);
    expect(() => suitePlan(list)).toThrow(message);
  });

  test('an unknown fault is rejected with the service own message', () => {
    expect(() => suitePlan('none,bogus')).toThrow(/unknown fault "bogus"/);
  });
});
