/**
 * GET /api/health: 200 when the store answers, 503 when it does not, or when the local store cannot
 * save its data (then with its reason). Anonymous.
 */
import { httpFunction } from '../shared/host/function-table.js';
import { jsonResponse, storeUnavailableMessage } from '../shared/http/responses.js';
import { ensureErrorType } from '../shared/kernel/errors.js';

export const healthGet = httpFunction({
  name: 'health-get',
  methods: ['GET'],
  route: 'api/health',
  async handler(_request, context, services) {
    try {
      await services.checkHealth();
      return jsonResponse(200, { status: 'ok' }, { 'cache-control': 'no-store' });
    } catch (err) {
      context.warn(`Health check failed: ${ensureErrorType(err).message}`);
      return jsonResponse(
        503,
        { status: 'unavailable', error: { code: 'StoreUnavailable', message: localReason(err) ?? 'The data store does not answer.' } },
        {
          'x-ms-error-code': 'StoreUnavailable',
          'cache-control': 'no-store',
        },
      );
    }
  },
});

/** The local store's reason for a 503 (it names a folder and an error, nothing secret). */
function localReason(err: unknown): string | undefined {
  const message = storeUnavailableMessage(err);
  return message?.startsWith('The local store') ? message : undefined;
}
