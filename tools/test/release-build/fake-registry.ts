import { startServer, type LocalServer } from '../helpers/local-server';

/**
 * A registry HTTP API on loopback that holds the given manifests (`name` -> tag or digest -> digest), for
 * the stand-in's and the artifact checks' tests. It answers only what they ask: HEAD of a manifest
 * (Docker-Content-Digest) and the tag list, 404 with the distribution error codes otherwise.
 */
export async function startFakeRegistry(
  repositories: Record<string, Record<string, string>>,
): Promise<LocalServer & { readonly base: string }> {
  const server = await startServer((req, res) => {
    const match = /^\/v2\/(.+)\/(manifests|tags)\/(.+)$/.exec(req.url ?? '');
    const [, name = '', kind, reference = ''] = match ?? [];
    const repository = repositories[name];
    if (!repository) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
      return;
    }
    if (kind === 'tags') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, tags: [] }));
      return;
    }
    const digest = repository[decodeURIComponent(reference)];
    if (digest === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'docker-content-digest': digest }).end();
  });
  return { ...server, base: server.url.replace(/\/$/, '') };
}
