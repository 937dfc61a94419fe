import { ConfigError } from '../../config-error';
import { FAULT_CATALOGUE, FAULT_NAMES } from '../../faults/catalogue';
import { formatFaultValue, formatFaults, parseFaults } from '../../faults/parse-faults';

describe('parseFaults', () => {
  it('returns no fault for an absent or blank FAULTS', () => {
    expect(parseFaults(undefined)).toEqual({});
    expect(parseFaults('  ')).toEqual({});
  });

  it('applies each catalogue default when a fault is written without a value', () => {
    expect(parseFaults(FAULT_NAMES.join(','))).toEqual({
      'health-fail': true,
      'startup-crash': true,
      'wrong-port': 9999,
      'dependency-down': { host: 'nonexistent-db.local', port: 5432 },
      'error-rate': 0.5,
      latency: 2000,
      'crash-after': 60,
      'slow-start': 30,
    });
  });

  it('reads explicit values and combined faults', () => {
    expect(parseFaults(' error-rate=0.25 , latency=150,dependency-down=db.internal:6543 ')).toEqual({
      'error-rate': 0.25,
      latency: 150,
      'dependency-down': { host: 'db.internal', port: 6543 },
    });
  });

  it.each([
    ['nope', 'unknown fault "nope"'],
    ['error-rate=1.5', 'a number from 0 to 1'],
    ['error-rate=-0.1', 'a number from 0 to 1'],
    ['latency=-5', 'whole number of milliseconds from 0 to 2147483647'],
    ['latency=abc', 'whole number of milliseconds from 0 to 2147483647'],
    ['latency=2.5', 'whole number of milliseconds from 0 to 2147483647'],
    ['latency=3000000000', 'the longest delay a timer holds'],
    ['crash-after=2147484', 'seconds from 0 to 2147483.647 (the longest delay a timer holds)'],
    ['slow-start=1e9', 'seconds from 0 to 2147483.647'],
    ['wrong-port=0', 'port from 1 to 65535'],
    ['wrong-port=70000', 'port from 1 to 65535'],
    ['wrong-port=80a', 'port from 1 to 65535'],
    ['dependency-down=db', 'host:port'],
    ['health-fail=yes', 'takes no value'],
    ['latency,latency=5', 'given twice'],
    ['latency,,health-fail', 'empty entry'],
  ])('rejects %s with a ConfigError that names FAULTS, the value and what is allowed', (raw, allowed) => {
    const error = (() => {
      try {
        parseFaults(raw);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`FAULTS=${JSON.stringify(raw)}`);
    expect((error as ConfigError).message).toContain(allowed);
  });

  it('writes each value the way FAULTS takes it, and nothing for a fault without one', () => {
    const active = parseFaults('health-fail,wrong-port=81,dependency-down=db:1,error-rate=0.25');
    expect(formatFaultValue(active['health-fail']!)).toBe('');
    expect(formatFaultValue(active['wrong-port']!)).toBe('81');
    expect(formatFaultValue(active['dependency-down']!)).toBe('db:1');
    expect(formatFaultValue(active['error-rate']!)).toBe('0.25');
  });

  it('accepts crash-after up to what a timer holds, and latency up to the ALB idle timeout', () => {
    expect(parseFaults('latency=59999,crash-after=2147483.647')).toEqual({
      latency: 59999,
      'crash-after': 2147483.647,
    });
  });

  it('formats active faults back to the same FAULTS value', () => {
    const raw = 'wrong-port=9999,dependency-down=db:1,error-rate=0.5,slow-start=2.5';
    expect(formatFaults(parseFaults(raw))).toBe(raw);
  });
});

describe('fault catalogue', () => {
  it('lists exactly the eight rehearsal faults, in catalogue order', () => {
    expect(FAULT_NAMES).toEqual([
      'health-fail',
      'startup-crash',
      'wrong-port',
      'dependency-down',
      'error-rate',
      'latency',
      'crash-after',
      'slow-start',
    ]);
    expect(FAULT_NAMES.filter((n) => FAULT_CATALOGUE[n].rehearsal !== 'new')).toHaveLength(5);
  });
});
