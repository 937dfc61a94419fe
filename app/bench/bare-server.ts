import express from 'express';
import { settings } from '../../contract/settings';

// The baseline: Express 5 with the service's two routes and their bodies, and nothing else.
const app = express();
const root = { service: settings.serviceName, version: 'bare', faults: {} };
app.get('/', (_req, res) => {
  res.json(root);
});
app.get(settings.container.healthPath, (_req, res) => {
  res.json({ status: 'ok' });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
