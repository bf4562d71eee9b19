/**
 * Customer use cases: search the list, read one, rename its Bill-to company name. Scope decides
 * what exists: a customer outside the caller's scope is NotFound, exactly like a missing one.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityRecord } from '../activity/activity.js';
import type { ActivityRepository } from '../activity/ports.js';
import { notFound, ServiceError } from '../kernel/errors.js';
import type { FaultInjector } from '../kernel/faults.js';
import { canonicalId, guidId } from '../kernel/ids.js';
import type { Cursor, Page } from '../kernel/page.js';
import { foldText } from '../kernel/text.js';
import type { Clock } from '../kernel/time.js';
import { inScope, type Scope } from '../tenants/scope.js';
import type { CustomerSort } from './contract.js';
import { buildCustomerRecord, type CustomerRecord, type CustomerRow, type ServiceLinkTemplates, toCustomerDetail, toCustomerRow } from './customer.js';
import type { CustomerFilter, CustomerRepository } from './ports.js';
import { cjkInsideQuery, customerSearchKeys, customerSortKey, queryBigrams } from './search-keys.js';

export const RENAME_OPERATION = 'UpdateCustomerCompanyName';

/**
 * The store filter for a search in a scope. A reseller's own id always applies; a reseller asking
 * for another reseller's customers gets none. Returns undefined when nothing can match.
 */
export function customerFilter(scope: Scope, search: string | undefined, resellerId: string | undefined): CustomerFilter | undefined {
  const requestedReseller = resellerId === undefined ? undefined : guidId(resellerId, 'resellerId', 'resellerId');
  if (scope.resellerId && requestedReseller !== undefined && requestedReseller !== scope.resellerId) return undefined;
  const effectiveReseller = scope.resellerId ?? requestedReseller;
  const searchPrefix = search === undefined ? '' : foldText(search);
  const inside = cjkInsideQuery(searchPrefix);
  return {
    partnerId: scope.partnerId,
    ...(effectiveReseller !== undefined ? { resellerId: effectiveReseller } : {}),
    ...(searchPrefix ? { searchPrefix, idEquals: canonicalId(search ?? '') } : {}),
    ...(inside !== undefined ? { insideName: { text: inside, bigrams: queryBigrams(inside) } } : {}),
  };
}

/**
 * Whether a customer with this name and domain is one the filter's search finds (the store query's
 * rule, in memory): an exact Microsoft ID, the folded search a prefix of one of its search keys, or
 * a CJK search inside its folded name (the bigrams the store narrows by are all in that run).
 * Scope and reseller are not checked here.
 */
export function matchesFilterSearch(filter: CustomerFilter, customer: { id: string; companyName: string; domain: string }): boolean {
  if (!filter.searchPrefix) return true;
  if (filter.idEquals !== undefined && customer.id === filter.idEquals) return true;
  if (filter.insideName && customerSortKey(customer.companyName).includes(filter.insideName.text)) return true;
  const prefix = filter.searchPrefix;
  return customerSearchKeys(customer.companyName, customer.domain).some((key) => key.startsWith(prefix));
}

/** One customer in scope, or NotFound; an id that is not a GUID is Invalid (400) before any read. */
export async function findCustomerInScope(customers: CustomerRepository, scope: Scope, customerId: string, target = 'id'): Promise<CustomerRecord> {
  const record = await customers.getCustomer(scope.partnerId, guidId(customerId, target, 'A customer id (Microsoft ID)'));
  if (!record || !inScope(scope, record.resellerId)) throw notFound('The customer', target);
  return record;
}

/** Whether If-Match is `*`: any current version matches (RFC 9110, 13.1.1). */
export function matchesAnyVersion(ifMatch: string): boolean {
  return ifMatch.split(',').some((candidate) => candidate.trim() === '*');
}

/**
 * Attempts of an `If-Match: *` rename against concurrent writers: each round at least one writer
 * wins, so this many concurrent renames of one customer all succeed.
 */
const ANY_VERSION_ATTEMPTS = 100;

const staleEtag = () =>
  new ServiceError(
    'PreconditionFailed',
    'PreconditionFailed',
    'The customer was changed by someone else since you read it. Reload it and try again.',
    'If-Match',
  );

/**
 * Whether an If-Match value matches a stored etag (`*` matches any). If-Match uses the strong
 * comparison (RFC 9110, 13.1.1 and 8.8.3.2): a weak tag (`W/"..."`) never matches. Quotes are
 * optional, since clients often send the tag as the body's `etag` shows it.
 */
function etagMatches(ifMatch: string, etag: string): boolean {
  const strip = (value: string) => value.trim().replace(/^"(.*)"$/, '$1');
  return ifMatch
    .split(',')
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === '*' || (!candidate.startsWith('W/') && strip(candidate) === strip(etag)));
}

/** The ETag header value: the store's version tag, quoted as HTTP wants it. */
export function etagHeader(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

export interface CustomerServicePorts {
  customers: CustomerRepository;
  activity: ActivityRepository;
  clock: Clock;
  faults: FaultInjector;
}

export interface CustomerSettings {
  /** Quick links to a customer's services, per cloud. */
  serviceLinks: ServiceLinkTemplates;
}

export class CustomerService {
  constructor(
    private readonly ports: CustomerServicePorts,
    private readonly settings: CustomerSettings,
  ) {}

  /** Up to `top` rows of the list after `after`; none when the filter cannot match. */
  async search(
    filter: CustomerFilter | undefined,
    top: number,
    after: Cursor | undefined,
    sort?: CustomerSort,
  ): Promise<Page<CustomerRow & { sortKey: string }>> {
    return filter ? this.ports.customers.searchCustomers(filter, top, after, sort) : { rows: [] };
  }

  /** One customer in scope, or NotFound. */
  getInScope(scope: Scope, customerId: string): Promise<CustomerRecord> {
    return findCustomerInScope(this.ports.customers, scope, customerId);
  }

  /** A list row as the contract shows it, with its quick links. */
  toRow(row: CustomerRow) {
    return toCustomerRow(row, this.settings.serviceLinks);
  }

  /** A customer as the contract shows it, with its quoted ETag. */
  toDetail(record: CustomerRecord) {
    return toCustomerDetail({ ...record, etag: etagHeader(record.etag ?? '') }, this.settings.serviceLinks);
  }

  /**
   * Renames the Bill-to company name (which is the customer list value) and records it in the
   * activity log. Crash safety: the activity record is written first as Pending, the customer write
   * carries the record's id, and the record is then completed. A crash in between leaves a Pending
   * record that RenameReconciler resolves by looking at the customer. A stale etag answers
   * PreconditionFailed and the pending record is removed, so nothing changes. `If-Match: *`
   * replaces whatever version is current: when another rename wins the race, it reads the customer
   * again and retries, so each rename that succeeds is still exactly one change with one activity
   * record.
   */
  async rename(scope: Scope, customerId: string, newCompanyName: string, ifMatch: string): Promise<CustomerRecord> {
    const anyVersion = matchesAnyVersion(ifMatch);
    for (let attempt = 1; ; attempt += 1) {
      const written = await this.renameOnce(scope, customerId, newCompanyName, ifMatch);
      if (written !== 'PreconditionFailed') return written;
      if (!anyVersion) throw staleEtag();
      if (attempt >= ANY_VERSION_ATTEMPTS) {
        throw new ServiceError('Conflict', 'TooManyConcurrentChanges', 'The customer is being changed too often to rename it now. Try again.', 'If-Match');
      }
    }
  }

  /** One read-and-replace; PreconditionFailed (with nothing changed) when the version moved on. */
  private async renameOnce(scope: Scope, customerId: string, newCompanyName: string, ifMatch: string): Promise<CustomerRecord | 'PreconditionFailed'> {
    const { customers, activity, clock, faults } = this.ports;
    const current = await this.getInScope(scope, customerId);
    const currentEtag = current.etag ?? '';
    if (!etagMatches(ifMatch, currentEtag)) return 'PreconditionFailed';

    const pending: ActivityRecord = {
      id: randomUUID(),
      partnerId: scope.partnerId,
      resellerId: current.resellerId,
      dateTime: clock().toISOString(),
      operation: RENAME_OPERATION,
      customerId: current.id,
      customerName: newCompanyName,
      user: scope.userName,
      status: 'Pending',
      details: { oldCompanyName: current.billingProfile.companyName, newCompanyName },
    };
    await activity.createActivity(pending);
    faults.hit('rename.afterActivityPending');

    const renamed = buildCustomerRecord({
      ...current,
      companyName: newCompanyName,
      recentRenameActivityIds: [...(current.recentRenameActivityIds ?? []), pending.id],
      renamedDateTime: pending.dateTime,
      previousNames: [...(current.previousNames ?? []), { companyName: current.companyName, until: pending.dateTime }],
    });
    const written = await customers.replaceCustomer(renamed, currentEtag);
    if (written === 'PreconditionFailed') {
      await activity.deleteActivity(pending.partnerId, pending.id);
      return 'PreconditionFailed';
    }
    faults.hit('rename.afterCustomerWrite');
    await activity.upsertActivity({ ...pending, status: 'Succeeded' });
    return written;
  }
}
