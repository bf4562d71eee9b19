/**
 * Search result pages as UTF-8 JSON, with each row's bytes remembered by content. Search as you
 * type, paging back and forth and several users of one partner ask for the same rows again and
 * again, and turning a row into JSON with its links (about 600 bytes) and then into UTF-8 is most
 * of what a search page costs the service. A row's JSON is a pure function of its five fields and
 * the link templates, so remembered bytes are reused only when all of them are exactly equal: a
 * renamed customer, a moved reseller or new templates get new bytes at once.
 *
 * Bounded: two generations of at most `rowsPerGeneration` rows each (SEARCH_ROWS_REMEMBERED; 0
 * remembers nothing). A row used from the older generation moves to the newer one; when the newer
 * one is full, the older one is dropped. About 700 bytes a row: 5,000 a generation is 7 MB at most.
 */
import { type CustomerRow, type ServiceLinkTemplates, toCustomerRow } from './customer.js';

export const ROWS_PER_GENERATION = 5000;

/** The count a page carries when `count=true` was asked for. */
export interface PageCount {
  count: number;
  countIsCapped: boolean;
}

interface RememberedRow {
  companyName: string;
  domain: string;
  relationship: string;
  resellerId: string | null;
  templates: ServiceLinkTemplates;
  /** A comma, then the row's JSON: every row but the first is appended with its comma. */
  commaThenJson: Buffer;
}

const PAGE_START = Buffer.from('{"value":[');
const PAGE_END = Buffer.from(']}');

export class CustomerPageJson {
  private newer = new Map<string, RememberedRow>();
  private older = new Map<string, RememberedRow>();

  constructor(private readonly rowsPerGeneration = ROWS_PER_GENERATION) {}

  /**
   * A page of the customer list as the response body: byte for byte
   * `JSON.stringify({ value: rows.map((row) => toCustomerRow(row, templates)), nextLink, ...count })`
   * in UTF-8, without `nextLink` when there is none and without the count when none was asked for.
   */
  page(rows: readonly CustomerRow[], templates: ServiceLinkTemplates, nextLink?: string, count?: PageCount): Buffer {
    if (this.rowsPerGeneration === 0) {
      // Nothing to remember: one serialization of the whole page is the cheapest.
      const value = rows.map((row) => toCustomerRow(row, templates));
      return Buffer.from(JSON.stringify({ value, ...(nextLink === undefined ? {} : { nextLink }), ...count }));
    }
    const parts = new Array<Buffer>(rows.length + 2);
    parts[0] = PAGE_START;
    for (let index = 0; index < rows.length; index += 1) {
      const commaThenJson = this.remembered(rows[index] as CustomerRow, templates).commaThenJson;
      parts[index + 1] = index === 0 ? commaThenJson.subarray(1) : commaThenJson;
    }
    parts[rows.length + 1] =
      nextLink === undefined && count === undefined
        ? PAGE_END
        : Buffer.from(
            `]${nextLink === undefined ? '' : `,"nextLink":${JSON.stringify(nextLink)}`}${count === undefined ? '' : `,"count":${count.count},"countIsCapped":${count.countIsCapped}`}}`,
          );
    return Buffer.concat(parts);
  }

  private remembered(row: CustomerRow, templates: ServiceLinkTemplates): RememberedRow {
    const resellerId = row.resellerId ?? null;
    let remembered = this.newer.get(row.id);
    const inNewer = remembered !== undefined;
    if (!inNewer) remembered = this.older.get(row.id);
    if (
      remembered === undefined ||
      remembered.companyName !== row.companyName ||
      remembered.domain !== row.domain ||
      remembered.relationship !== row.relationship ||
      remembered.resellerId !== resellerId ||
      remembered.templates !== templates
    ) {
      remembered = {
        companyName: row.companyName,
        domain: row.domain,
        relationship: row.relationship,
        resellerId,
        templates,
        commaThenJson: Buffer.from(`,${JSON.stringify(toCustomerRow(row, templates))}`),
      };
      this.remember(row.id, remembered);
    } else if (!inNewer) {
      this.older.delete(row.id);
      this.remember(row.id, remembered);
    }
    return remembered;
  }

  /** How many rows are remembered (at most twice the generation size). */
  get size(): number {
    return this.newer.size + this.older.size;
  }

  private remember(id: string, row: RememberedRow): void {
    if (!this.newer.has(id) && this.newer.size >= this.rowsPerGeneration) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(id, row);
  }
}
