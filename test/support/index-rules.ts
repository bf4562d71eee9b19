/**
 * Whether a Cosmos DB for NoSQL query can be served by a container's indexing policy, by the
 * documented rules (https://learn.microsoft.com/azure/cosmos-db/index-policy):
 *
 * 1. "Include and exclude property paths": with the root `/*` excluded, only included paths are
 *    indexed; every property a query filters or orders on must be included (scalars as `/p/?`,
 *    array elements as `/p/[]/?`). `id` and `_ts` are always indexed. The partition key path is
 *    included too, unless it is `/id`.
 * 2. "Composite indexes", "ORDER BY queries on multiple properties": an ORDER BY on two or more
 *    properties needs a composite index with the same paths in the same order, and either the
 *    same sort orders or all of them reversed.
 * 3. "Queries with filters and ORDER BY": a composite index serves the filter and the order
 *    together only when the equality-filtered properties are the first properties of the ORDER BY
 *    (and so of the composite). The partition key filter of a single-partition query is not one of
 *    them: the partition key routes the query.
 *
 * Also the converse: a composite index that no query orders by is only a write cost.
 * The parser understands the query shapes this service writes (top-level AND, `c.` properties,
 * `EXISTS(SELECT VALUE k FROM k IN c.array ...)`), not all of Cosmos SQL.
 */

export interface CompositePath {
  path: string;
  order: 'ascending' | 'descending';
}

export interface IndexingPolicy {
  includedPaths: Array<{ path: string }>;
  excludedPaths: Array<{ path: string }>;
  compositeIndexes?: CompositePath[][];
}

export interface ContainerDefinition {
  name: string;
  partitionKeyPath: string;
  indexingPolicy: IndexingPolicy;
}

export interface ParsedQuery {
  /** Properties compared for equality in a top-level conjunct, as paths (`/resellerId`). */
  equalities: string[];
  /** Index paths every filter needs (`/resellerId/?`, `/searchKeys/[]/?`). */
  filterPaths: string[];
  orderBy: CompositePath[];
}

const ALWAYS_INDEXED = new Set(['/id/?', '/_ts/?']);

/** Splits `text` at `separator` where it is outside parentheses and quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "'") quoted = !quoted;
    if (quoted) continue;
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth === 0 && text.startsWith(separator, index)) {
      parts.push(text.slice(start, index));
      start = index + separator.length;
      index = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter(Boolean);
}

export function parseQuery(query: string): ParsedQuery {
  const text = query.replace(/\s+/g, ' ').trim();
  const [beforeOrder, orderText] = splitTopLevel(text, ' ORDER BY ').concat('').slice(0, 2) as [string, string];
  const whereParts = splitTopLevel(beforeOrder, ' WHERE ');
  const whereText = whereParts.slice(1).join(' WHERE ');
  const equalities: string[] = [];
  const filterPaths = new Set<string>();
  for (const conjunct of splitTopLevel(whereText, ' AND ')) {
    const equality = /^c\.([A-Za-z_]\w*) = (@\w+|'[^']*'|-?\d+(\.\d+)?|true|false|null)$/.exec(conjunct);
    if (equality) equalities.push(`/${equality[1]}`);
    for (const array of conjunct.matchAll(/\bIN c\.([A-Za-z_]\w*)/g)) filterPaths.add(`/${array[1]}/[]/?`);
    for (const property of conjunct.matchAll(/(?<![\w.])c\.([A-Za-z_]\w*)(?!\w)/g)) {
      if (!conjunct.includes(`IN c.${property[1]}`)) filterPaths.add(`/${property[1]}/?`);
    }
  }
  const orderBy = orderText
    ? splitTopLevel(orderText, ',').map((item): CompositePath => {
        const match = /^c\.([A-Za-z_]\w*)(?: (ASC|DESC))?$/i.exec(item);
        if (!match) throw new Error(`Cannot read the ORDER BY item "${item}" of: ${query}`);
        return { path: `/${match[1]}`, order: match[2]?.toUpperCase() === 'DESC' ? 'descending' : 'ascending' };
      })
    : [];
  return { equalities, filterPaths: [...filterPaths], orderBy };
}

/** Whether the policy indexes a path such as `/resellerId/?` or `/searchKeys/[]/?`. */
export function isIndexed(policy: IndexingPolicy, indexPath: string): boolean {
  if (ALWAYS_INDEXED.has(indexPath)) return true;
  const covers = (pattern: string) => pattern === indexPath || (pattern.endsWith('/*') && indexPath.startsWith(pattern.slice(0, -1)));
  const included = policy.includedPaths.filter((entry) => covers(entry.path)).map((entry) => entry.path.length);
  const excluded = policy.excludedPaths.filter((entry) => covers(entry.path)).map((entry) => entry.path.length);
  // The most specific pattern wins.
  return included.length > 0 && Math.max(...included) > Math.max(-1, ...excluded);
}

function sameComposite(composite: CompositePath[], orderBy: CompositePath[]): boolean {
  if (composite.length !== orderBy.length) return false;
  const paths = composite.every((entry, index) => entry.path === orderBy[index]?.path);
  const same = composite.every((entry, index) => entry.order === orderBy[index]?.order);
  const reversed = composite.every((entry, index) => entry.order !== orderBy[index]?.order);
  return paths && (same || reversed);
}

/** The composite index that serves this ORDER BY, if any. */
export function servingComposite(policy: IndexingPolicy, orderBy: CompositePath[]): CompositePath[] | undefined {
  return (policy.compositeIndexes ?? []).find((composite) => sameComposite(composite, orderBy));
}

/** What keeps the index from serving the query; empty when it serves it. */
export function indexProblems(container: ContainerDefinition, query: string, singlePartition: boolean): string[] {
  const policy = container.indexingPolicy;
  const parsed = parseQuery(query);
  const problems: string[] = [];
  const orderPaths = parsed.orderBy.map((entry) => `${entry.path}/?`);
  for (const indexPath of new Set([...parsed.filterPaths, ...orderPaths])) {
    if (!isIndexed(policy, indexPath)) problems.push(`${indexPath} is filtered or ordered on but not included in the indexing policy`);
  }
  if (parsed.orderBy.length >= 2 && !servingComposite(policy, parsed.orderBy)) {
    const wanted = parsed.orderBy.map((entry) => `${entry.path} ${entry.order}`).join(', ');
    problems.push(`ORDER BY ${wanted} has no composite index with these paths in this order (or all reversed)`);
  }
  if (parsed.orderBy.length > 0) {
    const routing = singlePartition ? container.partitionKeyPath : undefined;
    const equalities = [...new Set(parsed.equalities.filter((property) => property !== routing))];
    const leading = parsed.orderBy.slice(0, equalities.length).map((entry) => entry.path);
    if (equalities.some((property) => !leading.includes(property))) {
      problems.push(`the equality filters on ${equalities.join(', ')} must be the first properties of the ORDER BY (it starts ${leading.join(', ')})`);
    }
  }
  return problems;
}

/** Policy-level problems: the partition key not indexed, composites no recorded query uses. */
export function policyProblems(container: ContainerDefinition, queries: string[]): string[] {
  const problems: string[] = [];
  const policy = container.indexingPolicy;
  if (container.partitionKeyPath !== '/id' && !isIndexed(policy, `${container.partitionKeyPath}/?`)) {
    problems.push(`${container.name}: the partition key ${container.partitionKeyPath} is not included in the indexing policy`);
  }
  const used = new Set(queries.map((query) => servingComposite(policy, parseQuery(query).orderBy)).filter(Boolean));
  for (const composite of policy.compositeIndexes ?? []) {
    if (!used.has(composite)) {
      problems.push(`${container.name}: no query orders by the composite (${composite.map((entry) => `${entry.path} ${entry.order}`).join(', ')})`);
    }
  }
  return problems;
}
