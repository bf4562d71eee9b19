/**
 * Fail closed where the platform does not vouch for the caller. In App Service (WEBSITE_SITE_NAME
 * is set), the caller in x-ms-client-principal is trustworthy only while App Service
 * Authentication is on: it signs the caller in and strips any such header a client sends. With it
 * off (WEBSITE_AUTH_ENABLED is not True), anyone could claim any tenant and role, so every request
 * that needs a caller answers 503 PlatformAuthenticationDisabled before anything is read or
 * changed, and the reason is logged once per process. Local runs (no WEBSITE_SITE_NAME) are not
 * affected. App Service sets WEBSITE_AUTH_ENABLED to True while its authentication is on (App
 * Service's environment variables reference; Microsoft.Identity.Web's
 * AppServicesAuthenticationInformation reads the same variable, case-insensitively).
 */
import type { InvocationContext } from '@azure/functions';
import type { Config } from '../config.js';
import { ServiceError } from '../kernel/errors.js';

export const PLATFORM_AUTHENTICATION_DISABLED = 'PlatformAuthenticationDisabled';

const reason =
  'App Service Authentication is off (WEBSITE_AUTH_ENABLED is not True), so x-ms-client-principal cannot be trusted: every request that needs a caller answers 503 until it is on again (azd provision restores it).';

export class PlatformGate {
  private reported = false;

  constructor(private readonly platform: Config['platform']) {}

  /** True where App Service runs the app without its authentication. */
  get authenticationMissing(): boolean {
    return this.platform.appService && !this.platform.authenticationEnabled;
  }

  /** Throws the 503 where the platform does not authenticate callers; logs the reason the first time. */
  requireAuthentication(context: InvocationContext): void {
    if (!this.authenticationMissing) return;
    if (!this.reported) {
      this.reported = true;
      context.error(reason);
    }
    throw new ServiceError(
      'Unavailable',
      PLATFORM_AUTHENTICATION_DISABLED,
      'The service is not available: its sign-in is switched off. Ask its administrator to turn App Service Authentication on.',
    );
  }
}
