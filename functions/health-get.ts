/**
/**
 * GET /api/health: 200 when the store answers; 503 when it does not, when the local store cannot
 * save its data (then with its reason), or when the API fails closed because App Service
 * Authentication is off (shared/http/platform.ts). Anonymous.
 */
import { httpFunction } from '../shared/host/function-table.js';
import { PLATFORM_AUTHENTICATION_DISABLED } from '../shared/http/platform.js';
import { jsonResponse, storeUnavailableMessage } from '../shared/http/responses.js';
import { ensureErrorType } from '../shared/kernel/errors.js';

export const healthGet = httpFunction({
  name: 'health-get',
  methods: ['GET'],
  route: 'api/health',
  anonymous: true,
  async handler(_request, context, services) {
    if (services.platform.authenticationMissing) {
      return jsonResponse(
        503,
        {
          status: 'unavailable',
          error: {
            code: PLATFORM_AUTHENTICATION_DISABLED,
            message: 'App Service Authentication is off: every request that needs a caller answers 503 until it is on again.',
          },
        },
        { 'x-ms-error-code': PLATFORM_AUTHENTICATION_DISABLED, 'cache-control': 'no-store' },
      );
    }
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
