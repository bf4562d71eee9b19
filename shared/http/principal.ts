/**
 * Reads the caller from `x-ms-client-principal`, as App Service Authentication delivers it (base64
 * of JSON with a claims array). Anything missing or malformed is Unauthenticated (401).
 */
import { z } from 'zod';
import { ServiceError } from '../kernel/errors.js';
import { isGuid } from '../kernel/ids.js';
import type { Principal } from '../tenants/scope.js';

const TENANT_CLAIMS = ['http://schemas.microsoft.com/identity/claims/tenantid', 'tid'];
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
const NAME_CLAIMS = [
  'preferred_username',
  'name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
];

const principalSchema = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

const unauthenticated = (message: string) => new ServiceError('Unauthenticated', 'Unauthenticated', message);

/** Decodes a principal header value; throws Unauthenticated when it is absent or malformed. */
export function parsePrincipal(headerValue: string | null | undefined): Principal {
  if (!headerValue?.trim()) {
    throw unauthenticated('The request carries no x-ms-client-principal: sign in first.');
  }
  const text = headerValue.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw unauthenticated('x-ms-client-principal is not base64.');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw unauthenticated('x-ms-client-principal is not base64-encoded JSON.');
  }
  const parsed = principalSchema.safeParse(json);
  if (!parsed.success) throw unauthenticated('x-ms-client-principal has no claims array.');
  const { claims, name_typ: nameType, role_typ: roleType } = parsed.data;
  const first = (types: string[]) => types.map((t) => claims.find((c) => c.typ === t)?.val).find((v) => v?.trim());
  const tenantId = first(TENANT_CLAIMS);
  if (!tenantId) throw unauthenticated('x-ms-client-principal has no tenant id claim.');
  // Entra tenant ids are GUIDs; anything else ('..', '/', '#') must never reach a point read.
  if (!isGuid(tenantId.trim())) throw unauthenticated("x-ms-client-principal's tenant id is not a GUID.");
  const roleTypes = roleType ? [roleType, ...ROLE_CLAIMS] : ROLE_CLAIMS;
  const roles = claims.filter((c) => roleTypes.includes(c.typ)).map((c) => c.val.trim());
  const userName = first(nameType ? [nameType, ...NAME_CLAIMS] : NAME_CLAIMS) ?? 'unknown';
  return { tenantId: tenantId.trim(), userName, roles };
}

/** Builds a principal header value (for the local dev principal, tests and the demo). */
export function encodePrincipal(principal: { tenantId: string; userName: string; roles: string[] }): string {
  const claims = [
    { typ: TENANT_CLAIMS[0], val: principal.tenantId },
    { typ: 'preferred_username', val: principal.userName },
    ...principal.roles.map((role) => ({ typ: 'roles', val: role })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'preferred_username', role_typ: 'roles', claims })).toString('base64');
}
