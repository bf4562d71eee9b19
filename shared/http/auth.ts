/**
 * The caller's scope for a request: the principal header (or, on local runs only, the
 * LOCAL_DEV_PRINCIPAL fallback), its tenant looked up among partners and resellers, and its role.
 */
import type { HttpRequest } from '@azure/functions';
import type { Role, Scope, TenantService } from '../tenants/scope.js';
import { parsePrincipal } from './principal.js';

export class Authorizer {
  constructor(
    private readonly tenants: TenantService,
    /** Base64 principal for requests without one; local runs only. */
    private readonly localDevPrincipal: string | undefined,
  ) {}

  /** The scope of the request's caller, who must have `role`: 401 without a principal, 403 without the role. */
  scope(request: HttpRequest, role: Role = 'Customers.Read'): Promise<Scope> {
    const header = request.headers.get('x-ms-client-principal') ?? this.localDevPrincipal;
    return this.tenants.scopeOf(parsePrincipal(header), role);
  }

  /** GET /api/me: the caller's tenant (its kind and name), user name and roles of this app. */
  async caller(request: HttpRequest) {
    const principal = parsePrincipal(request.headers.get('x-ms-client-principal') ?? this.localDevPrincipal);
    const scope = await this.tenants.scopeOf(principal, 'Customers.Read');
    return {
      tenantId: scope.tenantId,
      tenantType: scope.resellerId ? 'reseller' : 'partner',
      tenantName: (await this.tenants.tenantName(scope)) ?? '',
      userName: scope.userName,
      roles: principal.roles.filter((role) => role === 'Customers.Read' || role === 'Customers.ReadWrite'),
    };
  }
}
