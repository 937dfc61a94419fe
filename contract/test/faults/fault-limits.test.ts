import { ConfigError } from '../../config-error';
import { FAULT_LIMITS, type FaultContext } from '../../faults/fault-limits';
import { parseFaults } from '../../faults/parse-faults';
import { settings } from '../../settings';

function refusal(raw: string, context?: FaultContext): ConfigError {
  try {
    parseFaults(raw, context);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected FAULTS=${raw} to be refused`);
}

const port = settings.container.port;

describe('faults that cannot do what they say under the deployed settings', () => {
  it('derives each limit from the settings the stack deploys', () => {
    expect(FAULT_LIMITS.latencyBelowMs).toBe(settings.http.albIdleTimeoutSeconds * 1000);
    const check = settings.containerHealthCheck;
    expect(FAULT_LIMITS.slowStartBelowSeconds).toBe(
      check.startPeriodSeconds + check.intervalSeconds * (check.retries - 1),
    );
  });

  it.each([
    [`wrong-port=${port}`, 'a port other than PORT (8080)'],
    [`wrong-port=${settings.container.metricsPort}`, 'a port other than METRICS_PORT (9464)'],
    [`dependency-down=127.0.0.1:${port}`, "the service's own address"],
    [`dependency-down=localhost:${port}`, "the service's own address"],
    [`dependency-down=0.0.0.0:${port}`, "the service's own address"],
    [`wrong-port=9999,dependency-down=localhost:9999`, "the service's own address"],
    [`latency=${FAULT_LIMITS.latencyBelowMs}`, 'the load balancer answers 504 itself'],
    ['latency=2147483647', 'fewer than 60000 ms'],
    [`slow-start=${FAULT_LIMITS.slowStartBelowSeconds}`, 'ECS replaces it before it is ready'],
    ['slow-start=20,crash-after=20', 'the process would exit before /health ever answers 200'],
  ])('refuses %s, naming FAULTS, the value and why', (raw, why) => {
    const error = refusal(raw);
    expect(error.variable).toBe('FAULTS');
    expect(error.message).toContain(`FAULTS=${JSON.stringify(raw)} is not valid: `);
    expect(error.message).toContain(why);
  });

  it.each([
    `wrong-port=${port + 1}`,
    `dependency-down=localhost:${port + 1}`,
    `dependency-down=db.internal:${port}`,
    `latency=${FAULT_LIMITS.latencyBelowMs - 1}`,
    `slow-start=${FAULT_LIMITS.slowStartBelowSeconds - 0.001}`,
    // A crash after the deployment completed is a rehearsal of its own: ECS restarts, nothing rolls back.
    'crash-after=2147483.647',
    'slow-start=20,crash-after=20.5',
  ])('accepts %s, which still does what it says', (raw) => {
    expect(() => parseFaults(raw)).not.toThrow();
  });

  it('judges wrong-port and dependency-down against the port and address the process runs with', () => {
    expect(parseFaults(`wrong-port=${port}`, { port: 9000 })).toEqual({ 'wrong-port': port });
    expect(refusal('wrong-port=9000', { port: 9000 }).message).toContain('other than PORT (9000)');
    expect(refusal('dependency-down=10.0.0.5:9000', { port: 9000, host: '10.0.0.5' }).message).toContain(
      "the service's own address",
    );
    expect(refusal('wrong-port=9100', { port: 9000, metricsPort: 9100 }).message).toContain(
      'other than METRICS_PORT (9100)',
    );
    expect(
      parseFaults(`wrong-port=${settings.container.metricsPort}`, { port: 9000, metricsPort: 9100 }),
    ).toEqual({ 'wrong-port': settings.container.metricsPort });
  });
});

describe('a FAULTS value of any length', () => {
  it.each([
    ['one unknown name of 1 MB', 'x'.repeat(1024 * 1024)],
    ['1 MB of entries', 'latency=1,'.repeat(104_858).slice(0, 1024 * 1024)],
    ['a value of 1 MB', `latency=${'9'.repeat(1024 * 1024)}`],
    ['control characters', '\u0000'.repeat(1024 * 1024)],
  ])('is refused with a bounded message for %s, naming FAULTS and its length', (_, raw) => {
    const error = refusal(raw);
    expect(error.message.length).toBeLessThan(2000);
    expect(error.message).toMatch(/^FAULTS="/);
    expect(error.message).toContain(`... (${raw.length} characters) is not valid: `);
    expect(error.value.length).toBeLessThan(200);
  });
});
