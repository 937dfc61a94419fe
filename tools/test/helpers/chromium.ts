import { existsSync } from 'node:fs';

// Debian's package, Ubuntu's and GitHub runners' links, Google Chrome; CHROMIUM_PATH names any other.
const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].filter((candidate): candidate is string => candidate !== undefined && candidate !== '');

/** The Chromium a browser test launches, or undefined (and a warning) when there is none outside CI. */
export function findChromium(what: string): string | undefined {
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (found !== undefined) return found;
  if (process.env.CI) {
    throw new Error(
      `No Chromium in CI (looked for ${CANDIDATES.join(', ')}): .ci/run installs it (apt-get install -y chromium) before npm test; elsewhere set CHROMIUM_PATH`,
    );
  }
  console.warn(
    `Skipping ${what}: no Chromium at ${CANDIDATES.join(', ')} (apt-get install -y chromium, or set CHROMIUM_PATH).`,
  );
  return undefined;
}

/** Flags for a headless Chromium that reaches nothing on the network by itself. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
