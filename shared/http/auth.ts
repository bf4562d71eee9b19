/**
 * The caller's scope for a request: the principal header (or, on local runs only, the
 * LOCAL_DEV_PRINCIPAL fallback), its tenant looked up among partners and resellers, and its role.
 */
import type { HttpRequest } from '@azure/functions';
import type { ServiceContext } from '../context.js';
import { type Role, resolveScope, type Scope } from '../tenants/scope.js';
import { parsePrincipal } from './principal.js';

export async function authorize(request: HttpRequest, ctx: ServiceContext, role: Role = 'Customers.Read'): Promise<Scope> {
  const header = request.headers.get('x-ms-client-principal') ?? ctx.config.localDevPrincipal;
  return resolveScope(parsePrincipal(header), role, ctx.tenants);
}
