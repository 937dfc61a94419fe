// Preloaded into the service by a process test (node --require): logs a JSON line on stdout, in the
// service's own log stream, the moment the service first loads prom-client.
const Module = require('node:module');

const load = Module._load;
let seen = false;
Module._load = function logPromClient(request, ...rest) {
  if (request === 'prom-client' && !seen) {
    seen = true;
    process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'prom-client loaded' })}\n`);
  }
  return load.call(this, request, ...rest);
};
