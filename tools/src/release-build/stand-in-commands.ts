import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY_URL_VARIABLE } from './aws-stand-in';

/*
 * The `docker` and `aws` commands the rehearsed build finds first on PATH. CodeBuild's image has a Docker
 * engine (privileged mode) and the AWS CLI; this machine has podman and a loopback registry instead:
 * - docker: forwards to podman. Builds and runs get `--runtime runc --network=host` (crun and podman's
 *   private networks fail on these hosts), a build gets the base image stand-in and the CA bundle secret
 *   when set, and push/login/pull talk plain HTTP to the loopback registry (`--tls-verify=false`). Its
 *   login goes to a private auth file, never the machine's. After `docker push`, Docker lists the digest
 *   the registry holds in the image's RepoDigests, which the buildspec reads; podman 4 lists the digest of
 *   its local manifest instead, which differs because layers are compressed on push. So the wrapper keeps
 *   each push's digest (`--digestfile`) and `inspect` of RepoDigests lists it first, as Docker would.
 * - aws: the ECR stand-in (aws-stand-in.ts), asking the loopback registry.
 * Settings are written into the scripts, not into the build's environment, which stays CodeBuild's.
 */

export interface StandInOptions {
  /** Folder to write the commands to; it goes first on the build's PATH. */
  readonly binDir: string;
  readonly registryUrl: string;
  /** The compiled aws-stand-in.js. */
  readonly awsStandInScript: string;
  /** The image `docker build` passes as BASE_IMAGE (a local stand-in where no registry is reachable). */
  readonly baseImage?: string | undefined;
  /** A CA bundle handed to the build as the secret `npm_ca` (TLS-intercepting proxies). */
  readonly caBundle?: string | undefined;
  /** podman's OCI runtime; @default runc */
  readonly runtime?: string | undefined;
  /** Where `docker login` keeps its credentials for this rehearsal. */
  readonly authFile: string;
  /** Where the wrapper keeps the digest of each push. */
  readonly pushedDir: string;
}

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** The `docker` wrapper's text. */
export function dockerStandIn(options: StandInOptions): string {
  const buildExtras = [
    ...(options.baseImage ? ['--build-arg', `BASE_IMAGE=${options.baseImage}`] : []),
    ...(options.caBundle ? ['--secret', `id=npm_ca,src=${options.caBundle}`] : []),
  ].map(quote);
  return `#!/usr/bin/env bash
# docker for the release-build rehearsal: forwards to podman (tools/src/release-build/stand-in-commands.ts).
set -euo pipefail
export REGISTRY_AUTH_FILE=${quote(options.authFile)}
podman=(podman --runtime ${quote(options.runtime ?? 'runc')})
pushed() { printf '%s/%s.digest' ${quote(options.pushedDir)} "$(printf '%s' "$1" | tr '/:@' '___')"; }
sub="\${1:-}"
[ $# -gt 0 ] && shift
case "$sub" in
  build) exec "\${podman[@]}" build --network=host ${buildExtras.join(' ')} "$@" ;;
  run) exec "\${podman[@]}" run --network=host "$@" ;;
  push)
    mkdir -p ${quote(options.pushedDir)}
    exec "\${podman[@]}" push --tls-verify=false --digestfile "$(pushed "\${@: -1}")" "$@"
    ;;
  pull | login) exec "\${podman[@]}" "$sub" --tls-verify=false "$@" ;;
  inspect)
    ref="\${*: -1}"
    if [[ "$*" == *RepoDigests* && -s "$(pushed "$ref")" ]]; then
      # One write, as docker makes: a reader that stops at its first line (grep -m1) must not cut it short.
      listed="$("\${podman[@]}" inspect "$@")"
      printf '%s\n%s\n' "\${ref%:*}@$(cat "$(pushed "$ref")")" "$listed"
      exit 0
    fi
    exec "\${podman[@]}" inspect "$@"
    ;;
  images | image | rmi | tag | version | info | ps | rm | stop | logs) exec "\${podman[@]}" "$sub" "$@" ;;
  *)
    echo "docker stand-in: 'docker $sub' is not forwarded to podman by the release-build rehearsal" >&2
    exit 1
    ;;
esac
`;
}

/** The `aws` wrapper's text. */
export function awsStandIn(options: Pick<StandInOptions, 'registryUrl' | 'awsStandInScript'>): string {
  return `#!/usr/bin/env bash
# aws for the release-build rehearsal: answers the ECR calls of buildspec.yml (tools/src/release-build/aws-stand-in.ts).
export ${REGISTRY_URL_VARIABLE}=${quote(options.registryUrl)}
exec ${quote(process.execPath)} ${quote(options.awsStandInScript)} "$@"
`;
}

/** Writes both wrappers into `binDir`, executable. */
export function writeStandIns(options: StandInOptions): void {
  mkdirSync(options.binDir, { recursive: true });
  for (const [name, text] of [
    ['docker', dockerStandIn(options)],
    ['aws', awsStandIn(options)],
  ] as const) {
    const file = join(options.binDir, name);
    writeFileSync(file, text);
    chmodSync(file, 0o755);
  }
}
