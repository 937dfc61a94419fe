import http from 'node:http';
import { parsePort } from './config';
import { settings } from '../../contract/settings';

// The container health check's entry (`node dist/app/src/healthcheck.js`): slim images have no curl.
// Exit 0 when /health answers 200 within the limit, 1 otherwise; one line on stderr says why.

function fail(reason: string): never {
  process.stderr.write(`healthcheck: ${reason}\n`);
  process.exit(1);
}

let port: number = settings.container.port;
const raw = process.env.PORT;
if (raw !== undefined && raw.trim() !== '') {
  try {
    port = parsePort('PORT', raw);
  } catch (error) {
    fail((error as Error).message);
  }
}

const request = http.get(
  {
    host: '127.0.0.1',
    port,
    path: settings.container.healthPath,
    timeout: settings.healthcheckEntryTimeoutMs,
  },
  (res) => {
    res.resume();
    if (res.statusCode === 200) process.exit(0);
    fail(`${settings.container.healthPath} answered ${res.statusCode}`);
  },
);
// `timeout` only covers socket inactivity; the overall limit needs its own timer.
const overall = setTimeout(
  () => request.destroy(new Error(`no answer within ${settings.healthcheckEntryTimeoutMs} ms`)),
  settings.healthcheckEntryTimeoutMs,
);
overall.unref();
request.on('timeout', () =>
  request.destroy(new Error(`no answer within ${settings.healthcheckEntryTimeoutMs} ms`)),
);
request.on('error', (error) => fail(error.message));
