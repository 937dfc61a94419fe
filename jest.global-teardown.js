// Removes what the run built once and shared (jest.global-setup.js).
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const dir = process.env.JEST_RUN_CACHE_DIR;
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
};
