/**
 * The caller's scope for a request: the principal header (or, on local runs only, the
 * LOCAL_DEV_PRINCIPAL fallback), its tenant looked up among partners and resellers, and its role.
 */
import type { HttpRequest } from '@azure/functions';
import type { Caller, Role, Scope, TenantService } from '../tenants/scope.js';
import { parsePrincipal } from './principal.js';

export class Authorizer {
  constructor(
    private readonly tenants: TenantService,
    /** Base64 principal for requests without one; local runs only. */
    private readonly localDevPrincipal: string | undefined,
  ) {}

  /** The scope of the request's caller, who must have `role`: 401 without a principal, 403 without the role. */
  scope(request: HttpRequest, role: Role = 'Customers.Read'): Promise<Scope> {
    return this.tenants.scopeOf(parsePrincipal(this.principalHeader(request)), role);
  }

  /** The request's caller as `GET /api/me` shows it: the same 401 and 403 as `scope` with the read role. */
  caller(request: HttpRequest): Promise<Caller> {
    return this.tenants.callerOf(parsePrincipal(this.principalHeader(request)));
  }

  private principalHeader(request: HttpRequest): string | null | undefined {
    return request.headers.get('x-ms-client-principal') ?? this.localDevPrincipal;
  }
}
