/**
 * The caller's scope for a request: the principal header (or, on local runs only, the
 * LOCAL_DEV_PRINCIPAL fallback), its tenant looked up among partners and resellers, and its role.
 */
import type { HttpRequest } from '@azure/functions';
import type { ServiceContext } from '../context.js';
import { type Caller, describeCaller } from '../tenants/caller.js';
import { type Role, resolveScope, type Scope } from '../tenants/scope.js';
import { parsePrincipal } from './principal.js';

function principalHeader(request: HttpRequest, ctx: ServiceContext): string | null | undefined {
  return request.headers.get('x-ms-client-principal') ?? ctx.config.localDevPrincipal;
}

export async function authorize(request: HttpRequest, ctx: ServiceContext, role: Role = 'Customers.Read'): Promise<Scope> {
  return resolveScope(parsePrincipal(principalHeader(request, ctx)), role, ctx.tenants);
}

/** The caller as `GET /api/me` shows it; the same checks as `authorize` with the read role. */
export async function identifyCaller(request: HttpRequest, ctx: ServiceContext): Promise<Caller> {
  return describeCaller(parsePrincipal(principalHeader(request, ctx)), ctx.tenants);
}
