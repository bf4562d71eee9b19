/**
 * Imports newline-delimited JSON records (partners, resellers, customers, subscriptions), upserting
 * by id. Every line is validated on its own: a bad line is reported with its line number and
 * imports nothing, the valid lines import. Two streaming passes: the first validates shapes and
 * learns the partners and resellers the file defines, the second checks references and writes.
 */
import { z } from 'zod';
import { buildCustomerRecord } from '../customers/customer.js';
import { CountChanges, type CustomerWritePorts, writeCustomer } from '../customers/customer-counts.js';
import { readableName } from '../customers/validation.js';
import { firstIssue } from '../kernel/errors.js';
import { canonicalId, isGuid } from '../kernel/ids.js';
import type { SubscriptionRepository } from '../subscriptions/ports.js';
import { buildSubscriptionRecord, SUBSCRIPTION_STATUSES } from '../subscriptions/subscription.js';
import type { TenantRepository } from '../tenants/ports.js';
import type { TenantRecord } from '../tenants/tenant.js';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const idSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .refine((value) => !/[/\\?#]/.test(value) && !CONTROL_CHARACTERS.test(value), 'must not contain / \\ ? # or control characters')
  .transform(canonicalId);
/** Partner, reseller and customer ids are Entra tenant ids: GUIDs, as the API requires them. */
const guidSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .refine(isGuid, 'must be a GUID (8-4-4-4-12 hexadecimal digits)')
  .transform((value) => value.toLowerCase());
const optionalReseller = guidSchema.nullish().transform((value) => value ?? null);
const textSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters')
  .superRefine(readableName);
const importedNameSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .refine((value) => [...value].length <= 255, 'must be at most 255 characters')
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL')
  .superRefine(readableName);
const domainSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u,
    'must be a domain name such as contoso.onmicrosoft.com',
  );

const importLineSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('partner'), id: guidSchema, name: textSchema }),
    z.object({ type: z.literal('reseller'), id: guidSchema, partnerId: guidSchema, name: textSchema }),
    z.object({
      type: z.literal('customer'),
      id: guidSchema,
      partnerId: guidSchema,
      resellerId: optionalReseller,
      // Imported names are taken as the source system has them (line breaks included); the
      // control-character rule applies to renames through the API.
      companyName: importedNameSchema,
      domain: domainSchema,
      relationship: textSchema.optional(),
      companyProfile: z.object({ companyName: importedNameSchema.optional(), tenantId: guidSchema.optional(), domain: domainSchema.optional() }).optional(),
    }),
    z.object({
      type: z.literal('subscription'),
      id: idSchema,
      partnerId: guidSchema,
      customerId: guidSchema,
      offerName: textSchema,
      quantity: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative').max(10_000_000, 'is too large'),
      status: z.enum(SUBSCRIPTION_STATUSES, { error: `must be one of ${SUBSCRIPTION_STATUSES.join(', ')}` }),
      resellerId: optionalReseller,
    }),
  ],
  { error: 'type must be "partner", "reseller", "customer" or "subscription"' },
);
export type ImportLine = z.infer<typeof importLineSchema>;

export interface ImportProblem {
  line: number;
  message: string;
}

export interface ImportSummary {
  imported: { partner: number; reseller: number; customer: number; subscription: number };
  problems: ImportProblem[];
}

/** Longest accepted line, in characters. */
const MAX_LINE_LENGTH = 64 * 1024;

function parseLine(line: string): ImportLine | string {
  // Files saved by Windows tools often start with a byte order mark: it is not part of the JSON.
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  if (text.length > MAX_LINE_LENGTH) return `the line is longer than ${MAX_LINE_LENGTH} characters`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const parsed = importLineSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { target, message } = firstIssue(parsed.error);
  return target ? `${target} ${message}` : message;
}

/** The stores an import writes to (customers with their counts; a test may add a fault injector). */
export interface ImportPorts extends CustomerWritePorts {
  tenants: TenantRepository;
  subscriptions: SubscriptionRepository;
}

/**
 * Imports the lines `readLines()` yields (called twice: once per pass). Problems are reported
 * through `onProblem` as they are found and returned in the summary.
 */
export async function importRecords(
  ports: ImportPorts,
  readLines: () => AsyncIterable<string>,
  onProblem: (problem: ImportProblem) => void = () => {},
): Promise<ImportSummary> {
  const partners = new Set<string>();
  const resellers = new Map<string, string>();
  const problems: ImportProblem[] = [];
  const report = (line: number, message: string) => {
    const problem = { line, message };
    problems.push(problem);
    onProblem(problem);
  };

  let lineNumber = 0;
  for await (const text of readLines()) {
    lineNumber += 1;
    if (!text.trim()) continue;
    const record = parseLine(text);
    if (typeof record === 'string') continue;
    if (record.type === 'partner') partners.add(record.id);
    if (record.type === 'reseller') resellers.set(record.id, record.partnerId);
  }

  const storeTenants = new Map<string, TenantRecord | undefined>();
  const tenant = async (id: string) => {
    if (!storeTenants.has(id)) storeTenants.set(id, await ports.tenants.findTenant(id));
    return storeTenants.get(id);
  };
  const isPartner = async (id: string) => partners.has(id) || (await tenant(id))?.type === 'partner';
  const resellerPartner = async (id: string) => {
    if (resellers.has(id)) return resellers.get(id);
    const found = await tenant(id);
    return found?.type === 'reseller' ? found.partnerId : undefined;
  };
  const referenceProblem = async (record: ImportLine): Promise<string | undefined> => {
    if (record.type === 'partner') return resellers.has(record.id) ? `id ${record.id} is also a reseller` : undefined;
    if (!(await isPartner(record.partnerId))) return `partnerId ${record.partnerId} is not a partner in the file or the store`;
    if (record.type === 'reseller') return partners.has(record.id) ? `id ${record.id} is also a partner` : undefined;
    if (record.resellerId !== null && (await resellerPartner(record.resellerId)) !== record.partnerId) {
      return `resellerId ${record.resellerId} is not a reseller of partner ${record.partnerId}`;
    }
    return undefined;
  };

  const imported = { partner: 0, reseller: 0, customer: 0, subscription: 0 };
  const writes: Array<Promise<void>> = [];
  // The customer counts change once per batch of writes (see CountChanges).
  const countChanges = new CountChanges();
  const finishBatch = async () => {
    await Promise.all(writes.splice(0));
    await countChanges.apply(ports);
  };
  lineNumber = 0;
  for await (const text of readLines()) {
    lineNumber += 1;
    if (!text.trim()) continue;
    const record = parseLine(text);
    const problem = typeof record === 'string' ? record : await referenceProblem(record);
    if (typeof record === 'string' || problem) {
      report(lineNumber, problem ?? 'invalid record');
      continue;
    }
    writes.push(writeRecord(ports, record, countChanges));
    imported[record.type] += 1;
    if (writes.length >= 16) await finishBatch();
  }
  await finishBatch();
  return { imported, problems };
}

async function writeRecord(ports: ImportPorts, record: ImportLine, countChanges: CountChanges): Promise<void> {
  switch (record.type) {
    case 'partner':
      return ports.tenants.upsertTenant({ type: 'partner', id: record.id, name: record.name });
    case 'reseller':
      return ports.tenants.upsertTenant({ type: 'reseller', id: record.id, partnerId: record.partnerId, name: record.name });
    case 'customer': {
      const customer = buildCustomerRecord({
        id: record.id,
        partnerId: record.partnerId,
        resellerId: record.resellerId,
        companyName: record.companyName,
        domain: record.domain.toLowerCase(),
        relationship: record.relationship ?? (record.resellerId ? 'Indirect reseller' : 'Direct reseller'),
        companyProfile: {
          companyName: record.companyProfile?.companyName ?? record.companyName,
          tenantId: record.companyProfile?.tenantId ?? record.id,
          domain: (record.companyProfile?.domain ?? record.domain).toLowerCase(),
        },
      });
      countChanges.add(record.partnerId, await writeCustomer(ports, customer));
      return;
    }
    case 'subscription':
      return ports.subscriptions.upsertSubscription(buildSubscriptionRecord({ ...record, customerId: record.customerId }));
  }
}
