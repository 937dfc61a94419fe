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
  // The answer never changes while the process runs: serialize and encode it once.
  const body = Buffer.from(
    JSON.stringify({ service: settings.serviceName, version: config.version, faults: config.faults }),
  );

  // Written with Node's own calls: `res.send` would look up the type, compute the length and check
  // freshness for a body that has no validators. Node leaves the body out of an answer to HEAD itself.
  const answer: RequestHandler = (_req, res) => {
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', body.length);
    res.end(body);
  };
  // Without a fault acting here the handler stays synchronous: no promise per request for Express to await.
  if ((latency === undefined || latency === 0) && errorRate === undefined) return answer;

  return async (req, res, next) => {
    if (latency !== undefined && latency > 0) {
      // The process tests wait for this line to know a request is in flight.
      logger.debug({ reqId: req.id, latencyMs: latency }, 'latency fault: delaying response');
      await clock.sleep(latency);
    }
    if (errorRate !== undefined && random() < errorRate) {
      throw new InjectedFaultError(`error-rate fault (${errorRate}) failed this request`);
    }
    answer(req, res, next);
  };
}
