/**
 * The deploy settings a user chooses at the first deploy (the service's context keys and the pipeline's),
 * kept in `deploy-settings.json` at the repository root, which the app reads on every synthesis.
 *
 * Not in `cdk.context.json`: that is where the CDK CLI caches context values, and `cdk context --clear`
 * empties it (AWS CDK v2 Developer Guide, "cdk context": "Manage cached context values", `--clear`: "Clear
 * all context"). Not in `cdk.json` either: `cdk flags --set` rewrites its `context` to switch feature
 * flags. No CDK command writes this file.
 * `-c key=value` still wins for a one-off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PIPELINE_CONTEXT_KEYS } from './release-pipeline-context';
import { CONTEXT_KEYS } from './service-context';

/** The file's name, at the repository root. */
export const DEPLOY_SETTINGS_FILE = 'deploy-settings.json';

/** The keys the file may hold: the service's and the pipeline's context keys. */
export const DEPLOY_SETTING_KEYS: readonly string[] = [
  ...Object.keys(CONTEXT_KEYS),
  ...Object.keys(PIPELINE_CONTEXT_KEYS),
];

/** Reads `deploy-settings.json` in `dir`: none when the file is absent; an error names what is wrong. */
export function readDeploySettings(dir: string): Readonly<Record<string, unknown>> {
  const file = path.join(dir, DEPLOY_SETTINGS_FILE);
  if (!fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${file} must hold one JSON object of settings, e.g. {"alarmEmail": "you@example.com"}`);
  const unknown = Object.keys(parsed).filter((key) => !DEPLOY_SETTING_KEYS.includes(key));
  if (unknown.length > 0)
    throw new Error(
      `${file}: ${unknown.map((k) => JSON.stringify(k)).join(', ')} is not a deploy setting; use ${DEPLOY_SETTING_KEYS.join(', ')}`,
    );
  return parsed as Record<string, unknown>;
}

/** The deploy settings found in `cdk.context.json` in `dir`, where the first versions said to keep them. */
export function settingsInContextCache(dir: string): string[] {
  const file = path.join(dir, 'cdk.context.json');
  if (!fs.existsSync(file)) return [];
  const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return Object.keys(cache).filter((key) => DEPLOY_SETTING_KEYS.includes(key));
}

/**
 * How the app looks up a setting: the context given on the command line first (`get`, the app's
 * `tryGetContext`), then `deploy-settings.json` in `dir`. Refuses to run while `cdk.context.json` holds
 * settings: the CLI would pass them as context, above the file, until a `cdk context --clear` deleted them.
 */
export function deploySettingsLookup(dir: string, get: (key: string) => unknown): (key: string) => unknown {
  const cached = settingsInContextCache(dir);
  if (cached.length > 0)
    throw new Error(
      `cdk.context.json holds deploy settings (${cached.join(', ')}), where \`cdk context --clear\` would delete them: move them to ${DEPLOY_SETTINGS_FILE} and delete them from cdk.context.json (docs/deploy.md, "Deploy settings")`,
    );
  const kept = readDeploySettings(dir);
  return (key) => get(key) ?? kept[key];
}
