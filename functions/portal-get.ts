/**
 * GET / and its assets: the partner portal, a static page that calls the public API like any other
 * client. Everything it needs is served from portal/ (no CDN), which is flat: the route `{file?}`
 * takes `/` and one-segment paths only, so it can never capture a request under /api/.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpFunction } from '../shared/host/function-table.js';
import { errorResponse } from '../shared/http/responses.js';
import { ServiceError } from '../shared/kernel/errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** portal/ beside package.json, whether this file runs from functions/ or dist/functions/. */
function portalDirectory(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('package.json not found above functions/.');
    directory = parent;
  }
  return path.join(directory, 'portal');
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const portalGet = httpFunction({
  name: 'portal-get',
  methods: ['GET', 'HEAD'],
  route: '{file?}',
  async handler(request) {
    const requested = request.params.file || 'index.html';
    const root = portalDirectory();
    const file = path.resolve(root, requested);
    const type = CONTENT_TYPES[path.extname(file)];
    if (!file.startsWith(root + path.sep) || !type || !existsSync(file)) {
      // In the contract's error format: `/api` (one segment) arrives here too.
      return errorResponse(new ServiceError('NotFound', 'NotFound', `There is nothing at /${request.params.file ?? ''}.`));
    }
    return {
      status: 200,
      body: await readFile(file),
      headers: { 'content-type': type, 'cache-control': 'no-cache', ...SECURITY_HEADERS },
    };
  },
});
