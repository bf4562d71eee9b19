/**
 * Customer use cases: search the list, read one, rename its Bill-to company name. Scope decides
 * what exists: a customer outside the caller's scope is NotFound, exactly like a missing one.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityRecord } from '../activity/activity.js';
import type { ServiceContext } from '../context.js';
import { notFound, ServiceError } from '../kernel/errors.js';
import { canonicalId } from '../kernel/ids.js';
import { foldText } from '../kernel/text.js';
import type { Scope } from '../tenants/scope.js';
import { buildCustomerRecord, type CustomerRecord } from './customer.js';
import type { CustomerFilter } from './ports.js';

export const RENAME_OPERATION = 'UpdateCustomerCompanyName';

/**
 * The store filter for a search in a scope. A reseller's own id always applies; a reseller asking
 * for another reseller's customers gets none. Returns undefined when nothing can match.
 */
export function customerFilter(scope: Scope, search: string | undefined, resellerId: string | undefined): CustomerFilter | undefined {
  const requestedReseller = resellerId === undefined ? undefined : canonicalId(resellerId);
  if (scope.resellerId && requestedReseller !== undefined && requestedReseller !== scope.resellerId) return undefined;
  const effectiveReseller = scope.resellerId ?? requestedReseller;
  const searchPrefix = search === undefined ? '' : foldText(search);
  return {
    partnerId: scope.partnerId,
    ...(effectiveReseller !== undefined ? { resellerId: effectiveReseller } : {}),
    ...(searchPrefix ? { searchPrefix, idEquals: canonicalId(search ?? '') } : {}),
  };
}

/** One customer in scope, or NotFound. */
export async function getCustomerInScope(ctx: ServiceContext, scope: Scope, customerId: string): Promise<CustomerRecord> {
  const record = await ctx.customers.getCustomer(scope.partnerId, canonicalId(customerId));
  if (!record || (scope.resellerId !== null && record.resellerId !== scope.resellerId)) throw notFound('The customer', 'id');
  return record;
}

/** Quote-insensitive comparison of an If-Match value with a stored etag (`*` matches any). */
export function etagMatches(ifMatch: string, etag: string): boolean {
  const strip = (value: string) =>
    value
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
  return ifMatch
    .split(',')
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === '*' || strip(candidate) === strip(etag));
}

/** The ETag header value: the store's version tag, quoted as HTTP wants it. */
export function etagHeader(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/**
 * Renames the Bill-to company name (which is the customer list value) and records it in the
 * activity log. Crash safety: the activity record is written first as Pending, the customer write
 * carries the record's id, and the record is then completed. A crash in between leaves a Pending
 * record that `reconcilePendingActivity` resolves by looking at the customer. A stale etag answers
 * PreconditionFailed and the pending record is removed, so nothing changes.
 */
export async function renameCustomer(ctx: ServiceContext, scope: Scope, customerId: string, newCompanyName: string, ifMatch: string): Promise<CustomerRecord> {
  const current = await getCustomerInScope(ctx, scope, customerId);
  const staleEtag = () =>
    new ServiceError(
      'PreconditionFailed',
      'PreconditionFailed',
      'The customer was changed by someone else since you read it. Reload it and try again.',
      'If-Match',
    );
  const currentEtag = current.etag ?? '';
  if (!etagMatches(ifMatch, currentEtag)) throw staleEtag();

  const pending: ActivityRecord = {
    id: randomUUID(),
    partnerId: scope.partnerId,
    resellerId: current.resellerId,
    dateTime: ctx.now().toISOString(),
    operation: RENAME_OPERATION,
    customerId: current.id,
    customerName: newCompanyName,
    user: scope.userName,
    status: 'Pending',
    details: { oldCompanyName: current.billingProfile.companyName, newCompanyName },
  };
  await ctx.activity.createActivity(pending);
  ctx.faults.hit('rename.afterActivityPending');

  const renamed = buildCustomerRecord({
    ...current,
    companyName: newCompanyName,
    recentRenameActivityIds: [...(current.recentRenameActivityIds ?? []), pending.id],
  });
  const written = await ctx.customers.replaceCustomer(renamed, currentEtag);
  if (written === 'PreconditionFailed') {
    await ctx.activity.deleteActivity(pending.partnerId, pending.id);
    throw staleEtag();
  }
  ctx.faults.hit('rename.afterCustomerWrite');
  await ctx.activity.upsertActivity({ ...pending, status: 'Succeeded' });
  return written;
}
