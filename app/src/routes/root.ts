import type { RequestHandler } from 'express';
import type { Clock, RandomSource } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { InjectedFaultError } from '../http/errors';
import { settings } from '../../../contract/settings';

export interface RootRouteDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: RandomSource;
}

/** `GET /`: who is answering, which version, and which faults are on; `latency` and `error-rate` act here. */
export function rootRoute({ config, logger, clock, random }: RootRouteDeps): RequestHandler {
  const { latency, 'error-rate': errorRate } = config.faults;
  // The answer never changes while the process runs: serialize and encode it once, and set its type
  // directly, so no request pays for a MIME lookup or for parsing a content type to add its charset.
  const body = Buffer.from(
    JSON.stringify({ service: settings.serviceName, version: config.version, faults: config.faults }),
  );

  return async (req, res) => {
    if (latency !== undefined && latency > 0) {
      // The process tests wait for this line to know a request is in flight.
      logger.debug({ reqId: req.id, latencyMs: latency }, 'latency fault: delaying response');
      await clock.sleep(latency);
    }
    if (errorRate !== undefined && random() < errorRate) {
      throw new InjectedFaultError(`error-rate fault (${errorRate}) failed this request`);
    }
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.send(body);
  };
}
