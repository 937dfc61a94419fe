/**
 * Builds the CDK app the way `pipeline/bin/app.ts` does, with context overrides, for template tests.
 * Synthesis bundles the hook with the local esbuild and stages the image context, so build once per test
 * file and reuse the result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseServiceContext } from '../lib/service-context';
import { ServiceStack } from '../lib/service-stack';
import { STACK_NAMES } from '../../contract/stack-outputs';

/** The feature flags and defaults the CLI would pass from cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export interface BuiltStacks {
  readonly app: App;
  readonly service: ServiceStack;
  /** Where the cloud assembly was written; removed by `cleanup`. */
  readonly outdir: string;
  serviceTemplate(): Template;
  cleanup(): void;
}

export interface BuildOptions {
  /** Context values as `cdk -c key=value` would give them. */
  readonly context?: Record<string, unknown>;
  /** Hook for tests that add to the app before synthesis (e.g. cdk-nag, the pipeline stack). */
  readonly beforeSynth?: (app: App, service: ServiceStack) => void;
}

/** Builds the app into a fresh temporary cloud assembly directory. */
export function buildStacks(options: BuildOptions = {}): BuiltStacks {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-test-'));
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...options.context } });
  const context = parseServiceContext((key) => app.node.tryGetContext(key));
  const service = new ServiceStack(app, STACK_NAMES.service, context);
  options.beforeSynth?.(app, service);
  let template: Template | undefined;
  return {
    app,
    service,
    outdir,
    serviceTemplate: () => (template ??= Template.fromStack(service)),
    cleanup: () => fs.rmSync(outdir, { recursive: true, force: true }),
  };
}
