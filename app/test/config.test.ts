import { loadConfig, listenPort } from '../src/config';
import { ConfigError } from '../../contract/config-error';
import { settings } from '../../contract/settings';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '1.0.0');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies a default to every key', () => {
    expect(loadConfig({}, '1.0.0')).toEqual({
      port: settings.container.port,
      metricsPort: settings.container.metricsPort,
      host: '0.0.0.0',
      version: '1.0.0',
      logLevel: 'info',
      faults: {},
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig(
        {
          PORT: '9000',
          METRICS_PORT: '9100',
          HOST: '127.0.0.1',
          APP_VERSION: 'abc123',
          LOG_LEVEL: 'DEBUG',
          FAULTS: 'latency=5',
        },
        '1',
      ),
    ).toEqual({
      port: 9000,
      metricsPort: 9100,
      host: '127.0.0.1',
      version: 'abc123',
      logLevel: 'debug',
      faults: { latency: 5 },
    });
  });

  it('treats empty variables as unset', () => {
    expect(
      loadConfig(
        { PORT: '', METRICS_PORT: '', HOST: ' ', APP_VERSION: '', LOG_LEVEL: '', FAULTS: '' },
        '2.0.0',
      ),
    ).toMatchObject({
      port: settings.container.port,
      metricsPort: settings.container.metricsPort,
      version: '2.0.0',
    });
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ FAULTS: 'latency' }, '1');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.faults)).toBe(true);
  });

  it.each([
    ['PORT', 'abc', 'an integer port from 1 to 65535'],
    ['PORT', '0', 'an integer port from 1 to 65535'],
    ['PORT', '65536', 'an integer port from 1 to 65535'],
    ['PORT', '-1', 'an integer port from 1 to 65535'],
    ['PORT', '80.5', 'an integer port from 1 to 65535'],
    ['METRICS_PORT', 'abc', 'an integer port from 1 to 65535'],
    ['METRICS_PORT', '0', 'an integer port from 1 to 65535'],
    ['METRICS_PORT', '65536', 'an integer port from 1 to 65535'],
    ['METRICS_PORT', String(settings.container.port), 'a port other than PORT (8080)'],
    ['HOST', 'not a host', 'an IPv4 or IPv6 address or a host name'],
    ['HOST', 'bad_name!', 'an IPv4 or IPv6 address or a host name'],
    ['APP_VERSION', 'has space', 'visible ASCII characters without spaces'],
    ['APP_VERSION', 'x'.repeat(129), 'visible ASCII characters without spaces'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['FAULTS', 'nope', 'unknown fault "nope"'],
  ])('rejects %s=%s, naming the variable, the value and what is allowed', (variable, value, allowed) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`${variable}=${JSON.stringify(value)}`);
    expect(error.message).toContain(allowed);
  });

  it('refuses faults that would do nothing against the PORT and HOST it runs with', () => {
    expect(configError({ PORT: '9000', FAULTS: 'wrong-port=9000' }).message).toContain(
      'a port other than PORT (9000)',
    );
    expect(configError({ PORT: '9000', FAULTS: 'dependency-down=localhost:9000' }).message).toContain(
      "the service's own address",
    );
    expect(
      configError({ PORT: '9000', HOST: '10.0.0.5', FAULTS: 'dependency-down=10.0.0.5:9000' }).message,
    ).toContain("the service's own address");
    // The release's port is an ordinary fault port for a process that listens elsewhere.
    expect(loadConfig({ PORT: '9000', FAULTS: 'wrong-port=8080' }, '1').faults).toEqual({
      'wrong-port': 8080,
    });
  });

  it('refuses a PORT that takes the default metrics port until METRICS_PORT moves', () => {
    const port = String(settings.container.metricsPort);
    const error = configError({ PORT: port });
    expect(error.variable).toBe('METRICS_PORT');
    expect(error.message).toContain(`a port other than PORT (${port}); unset it means ${port}`);
    expect(loadConfig({ PORT: port, METRICS_PORT: '9100' }, '1')).toMatchObject({
      port: settings.container.metricsPort,
      metricsPort: 9100,
    });
  });

  it('refuses a wrong-port fault on the metrics port, which the metrics listener holds', () => {
    expect(configError({ METRICS_PORT: '9100', FAULTS: 'wrong-port=9100' }).message).toContain(
      'a port other than METRICS_PORT (9100)',
    );
  });

  it('keeps the message short for a value of any length', () => {
    const error = configError({ FAULTS: 'x'.repeat(1024 * 1024) });
    expect(error.message.length).toBeLessThan(2000);
    expect(error.message).toContain('... (1048576 characters) is not valid: unknown fault');
  });

  it('accepts IPv6 and host names for HOST', () => {
    expect(loadConfig({ HOST: '::' }, '1').host).toBe('::');
    expect(loadConfig({ HOST: 'localhost' }, '1').host).toBe('localhost');
  });
});

describe('listenPort', () => {
  it('is PORT without faults and the wrong-port value with it', () => {
    expect(listenPort(loadConfig({ PORT: '8081' }, '1'))).toBe(8081);
    expect(listenPort(loadConfig({ PORT: '8081', FAULTS: 'wrong-port' }, '1'))).toBe(9999);
  });
});
