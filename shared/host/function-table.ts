/**
 * The app's functions as one declarative table. The Azure entry point registers each entry with
 * `app.http` / `app.storageQueue` / `app.timer`; the local runner mounts the same entries on
 * node:http, an Azurite queue poller and timers. A handler never knows which host runs it.
 */
import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import type { Config } from '../config.js';
import { responseForError } from '../http/responses.js';
import type { Services } from '../wiring.js';

export interface HttpFunctionEntry {
  trigger: 'http';
  name: string;
  methods: HttpMethod[];
  /** Route template, as the Functions host reads it (`api/customers/{id}`, `{*path}`). */
  route: string;
  /**
   * Served without a caller (the health check, the OpenAPI document, the portal's static files).
   * Every other HTTP function fails closed where App Service runs the app without its
   * authentication (shared/http/platform.ts).
   */
  anonymous?: boolean;
  handler(request: HttpRequest, context: InvocationContext, services: Services): Promise<HttpResponseInit>;
}

export interface QueueFunctionEntry {
  trigger: 'storageQueue';
  name: string;
  /** Queue name or `%SETTING%` binding expression. */
  queueName: string;
  /** App setting prefix of the storage connection (identity-based: `<prefix>__queueServiceUri`). */
  connection: string;
  /** `message` is untrusted: validate it before use. */
  handler(message: unknown, context: InvocationContext, services: Services): Promise<void>;
}

export interface TimerFunctionEntry {
  trigger: 'timer';
  name: string;
  /** 6-field NCRONTAB or `%SETTING%`. */
  schedule: string;
  handler(timer: Timer, context: InvocationContext, services: Services): Promise<void>;
}

export type FunctionEntry = HttpFunctionEntry | QueueFunctionEntry | TimerFunctionEntry;

/**
 * Headers every response carries unless its handler set them: API answers are per caller and must
 * not be stored by a browser or a proxy, and no client may guess a type other than the one sent.
 */
const DEFAULT_RESPONSE_HEADERS: Readonly<Record<string, string>> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function withDefaultHeaders(response: HttpResponseInit): HttpResponseInit {
  const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
  for (const [name, value] of Object.entries(DEFAULT_RESPONSE_HEADERS)) if (!headers.has(name)) headers.set(name, value);
  return { ...response, headers: Object.fromEntries(headers.entries()) };
}

/**
 * An HTTP entry whose handler answers thrown domain errors in the contract's format and anything
 * unexpected with a logged 500, with the default headers on every answer. A GET entry also
 * registers HEAD (the hosts send the headers without the body), so both hosts route it.
 */
export function httpFunction(entry: Omit<HttpFunctionEntry, 'trigger'>): HttpFunctionEntry {
  const methods: HttpMethod[] = entry.methods.includes('GET') && !entry.methods.includes('HEAD') ? [...entry.methods, 'HEAD'] : [...entry.methods];
  return {
    trigger: 'http',
    name: entry.name,
    methods,
    route: entry.route,
    ...(entry.anonymous ? { anonymous: true } : {}),
    async handler(request, context, services) {
      try {
        if (!entry.anonymous) services.platform.requireAuthentication(context);
        return withDefaultHeaders(await entry.handler(request, context, services));
      } catch (err) {
        return withDefaultHeaders(responseForError(err, context));
      }
    },
  };
}

/** Resolves `%SETTING%` binding expressions the way the Functions host does. */
export function resolveBindingExpression(value: string, settings: Record<string, string | undefined>): string {
  return value.replace(/%([A-Za-z0-9_]+)%/g, (_match, name: string) => {
    const setting = settings[name];
    if (setting === undefined) throw new Error(`App setting "${name}" used in a binding is not set.`);
    return setting;
  });
}

/** The binding settings the table refers to, with the service's defaults. */
export function bindingSettings(config: Config): Record<string, string> {
  return {
    EXPORTS_QUEUE_NAME: config.exports.queueName,
    EXPORT_SCHEDULER_CRON: config.exports.schedulerCron,
  };
}
