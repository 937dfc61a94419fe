import { DEPLOYMENT_CONFIG_NAMES } from '../deployment-configs';
import { nativeStrategyFor } from '../native-strategies';

describe('nativeStrategyFor', () => {
  test.each([
    ['AllAtOnce', { strategy: 'BLUE_GREEN' }],
    ['Canary10Percent5Minutes', { strategy: 'CANARY', percent: 10, stepBakeMinutes: 5 }],
    ['Canary10Percent15Minutes', { strategy: 'CANARY', percent: 10, stepBakeMinutes: 15 }],
    ['Linear10PercentEvery1Minutes', { strategy: 'LINEAR', percent: 10, stepBakeMinutes: 1 }],
    ['Linear10PercentEvery3Minutes', { strategy: 'LINEAR', percent: 10, stepBakeMinutes: 3 }],
  ])('%s maps to %j', (name, expected) => {
    expect(nativeStrategyFor(name)).toEqual(expected);
    expect(nativeStrategyFor(`CodeDeployDefault.ECS${name}`)).toEqual(expected);
  });

  test('every predefined configuration has a native equivalent', () => {
    for (const name of DEPLOYMENT_CONFIG_NAMES) expect(() => nativeStrategyFor(name)).not.toThrow();
  });

  test('an unknown configuration is refused by name', () => {
    expect(() => nativeStrategyFor('Canary50Percent1Minutes')).toThrow(
      /"Canary50Percent1Minutes" is not a predefined/,
    );
  });
});
