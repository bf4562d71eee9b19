/**
 * The customer as stored and as the contract shows it. A customer lives in its partner's logical
 * partition; `companyName` is the customer list value and always equals the Bill-to company name.
 */
import type { CustomerResource, CustomerRowResource } from './contract.js';
import { customerSearchBigrams, customerSearchKeys, customerSortKey } from './search-keys.js';

export interface CompanyProfile {
  companyName: string;
  tenantId: string;
  domain: string;
}

export interface CustomerRecord {
  id: string;
  partnerId: string;
  resellerId: string | null;
  companyName: string;
  domain: string;
  relationship: string;
  companyProfile: CompanyProfile;
  billingProfile: { companyName: string };
  /** Folded company name: rows are ordered by it, then by id. */
  sortKey: string;
  /** Folded name, its words, domain and domain labels: what a search prefix-matches. */
  searchKeys: string[];
  /** Bigrams of the CJK runs of the folded name: what narrows a search inside CJK names. */
  searchBigrams: string[];
  /**
   * Activity record ids of the latest renames (newest last, at most RECENT_RENAMES_KEPT), so a crash
   * between a rename's two writes can be reconciled exactly.
   */
  recentRenameActivityIds?: string[];
  /** When the company name was last changed through the API (ISO 8601 UTC); absent if never. */
  renamedDateTime?: string;
  /**
   * The names it had before its latest renames, oldest first, each with the time it stopped being
   * the name (at most RECENT_RENAMES_KEPT): an export reads a customer as it was when it started.
   */
  previousNames?: PreviousName[];
  /** Store version tag (Cosmos _etag), set when read. */
  etag?: string;
}

export interface PreviousName {
  companyName: string;
  /** When this stopped being the name. */
  until: string;
}

/**
 * The company name a customer had at `dateTime`: the first previous name that was still the name
 * then, else the current one. With more than RECENT_RENAMES_KEPT renames after `dateTime`, the
 * oldest kept name is the best known.
 */
export function companyNameAt(customer: Pick<CustomerRecord, 'companyName' | 'previousNames'>, dateTime: string): string {
  return customer.previousNames?.find((previous) => previous.until > dateTime)?.companyName ?? customer.companyName;
}

/** The fields a list row carries (the first six of the contract's customer). */
export type CustomerRow = Pick<CustomerRecord, 'id' | 'companyName' | 'domain' | 'relationship' | 'resellerId'>;

const RECENT_RENAMES_KEPT = 20;

/** Builds the stored record, with its derived sort and search keys. */
export function buildCustomerRecord(input: {
  id: string;
  partnerId: string;
  resellerId: string | null;
  companyName: string;
  domain: string;
  relationship: string;
  companyProfile: CompanyProfile;
  recentRenameActivityIds?: string[];
  renamedDateTime?: string;
  previousNames?: PreviousName[];
}): CustomerRecord {
  return {
    id: input.id,
    partnerId: input.partnerId,
    resellerId: input.resellerId,
    companyName: input.companyName,
    domain: input.domain,
    relationship: input.relationship,
    companyProfile: input.companyProfile,
    billingProfile: { companyName: input.companyName },
    sortKey: customerSortKey(input.companyName),
    searchKeys: customerSearchKeys(input.companyName, input.domain),
    searchBigrams: customerSearchBigrams(input.companyName),
    ...(input.recentRenameActivityIds ? { recentRenameActivityIds: input.recentRenameActivityIds.slice(-RECENT_RENAMES_KEPT) } : {}),
    ...(input.renamedDateTime ? { renamedDateTime: input.renamedDateTime } : {}),
    ...(input.previousNames ? { previousNames: input.previousNames.slice(-RECENT_RENAMES_KEPT) } : {}),
  };
}

/**
 * URL templates of the quick links to a customer's services; `{customerId}` is replaced. They come
 * from settings, because national clouds have their own admin centers and portals.
 */
export interface ServiceLinkTemplates {
  adminCenter: string;
  azurePortal: string;
}

function customerLinks(customerId: string, templates: ServiceLinkTemplates) {
  const encoded = encodeURIComponent(customerId);
  const self = `/api/customers/${encoded}`;
  return {
    self,
    subscriptions: `${self}/subscriptions`,
    services: [
      { name: 'Microsoft 365 admin center', url: templates.adminCenter.replaceAll('{customerId}', encoded) },
      { name: 'Azure portal', url: templates.azurePortal.replaceAll('{customerId}', encoded) },
    ],
  };
}

export function toCustomerRow(record: CustomerRow, templates: ServiceLinkTemplates): CustomerRowResource {
  return {
    id: record.id,
    companyName: record.companyName,
    domain: record.domain,
    relationship: record.relationship,
    resellerId: record.resellerId ?? null,
    links: customerLinks(record.id, templates),
  };
}

export function toCustomerDetail(record: CustomerRecord, templates: ServiceLinkTemplates): CustomerResource {
  return {
    ...toCustomerRow(record, templates),
    billingProfile: { companyName: record.billingProfile.companyName },
    companyProfile: {
      companyName: record.companyProfile.companyName,
      tenantId: record.companyProfile.tenantId,
      domain: record.companyProfile.domain,
    },
    etag: record.etag ?? '',
  };
}
