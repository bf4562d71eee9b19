/**
 * Every query the stores sent during this test run is one the indexing policy serves, by the
 * documented rules in test/support/index-rules.ts, and every composite index serves some query.
 * Runs after the rest of the suite (its own vitest project, groupOrder 1), over the queries
 * test/support/query-log.ts recorded.
 */
import { describe, expect, it } from 'vitest';
import containerFile from '../../infra/cosmos-containers.json' with { type: 'json' };
import { type ContainerDefinition, indexProblems, parseQuery, policyProblems } from '../support/index-rules.js';
import { recordedQueries } from '../support/query-log.js';

const containers = new Map((containerFile.containers as unknown as ContainerDefinition[]).map((container) => [container.name, container]));
const customers = containers.get('customers') as ContainerDefinition;
/** Containers the stores only read and write by id (point operations): they never see a query. */
const POINT_OPERATIONS_ONLY = new Set(['counters']);
const activity = containers.get('activity') as ContainerDefinition;

describe('the index rules', () => {
  it('read filters, equality filters and ORDER BY from the queries the stores write', () => {
    const parsed = parseQuery(
      "SELECT TOP 11 c.id FROM c WHERE c.partnerId = @partnerId AND c.kind = 'export' AND EXISTS(SELECT VALUE k FROM k IN c.searchKeys WHERE STARTSWITH(k, @search)) AND (c.sortKey > @a OR (c.sortKey = @a AND c.id > @b)) ORDER BY c.kind ASC, c.sortKey DESC",
    );
    expect(parsed.equalities).toEqual(['/partnerId', '/kind']);
    expect(parsed.filterPaths.sort()).toEqual(['/id/?', '/kind/?', '/partnerId/?', '/searchKeys/[]/?', '/sortKey/?']);
    expect(parsed.orderBy).toEqual([
      { path: '/kind', order: 'ascending' },
      { path: '/sortKey', order: 'descending' },
    ]);
  });

  it('find an equality filter that does not lead the ORDER BY (the composite cannot serve both)', () => {
    const query = 'SELECT TOP 101 c.id FROM c WHERE c.partnerId = @partnerId AND c.resellerId = @resellerId ORDER BY c.sortKey ASC, c.id ASC';
    expect(indexProblems(customers, query, true)).toEqual([expect.stringContaining('must be the first properties of the ORDER BY')]);
    const fixed = 'SELECT TOP 101 c.id FROM c WHERE c.partnerId = @partnerId AND c.resellerId = @resellerId ORDER BY c.resellerId ASC, c.sortKey ASC, c.id ASC';
    expect(indexProblems(customers, fixed, true)).toEqual([]);
  });

  it('find a multi-property ORDER BY without a composite, and accept one fully reversed', () => {
    expect(indexProblems(customers, 'SELECT * FROM c ORDER BY c.sortKey ASC, c.id DESC', true)).toEqual([expect.stringContaining('has no composite index')]);
    expect(indexProblems(customers, 'SELECT * FROM c ORDER BY c.sortKey DESC, c.id DESC', true)).toEqual([]);
  });

  it('find a filter on a path the policy does not include', () => {
    expect(indexProblems(customers, 'SELECT * FROM c WHERE c.companyProfile.tenantId = @t', true)).toEqual([
      expect.stringContaining('/companyProfile/? is filtered or ordered on but not included'),
    ]);
    expect(indexProblems(activity, "SELECT * FROM c WHERE c.user = 'a' AND c.dateTime < @before", false)).toEqual([expect.stringContaining('/user/?')]);
  });

  it('count the partition key filter of a cross-partition query as an equality filter', () => {
    const query = 'SELECT * FROM c WHERE c.partnerId = @p AND c.dateTime >= @from ORDER BY c.dateTime DESC, c.id DESC';
    expect(indexProblems(activity, query, true)).toEqual([]);
    expect(indexProblems(activity, query, false)).toEqual([expect.stringContaining('must be the first properties')]);
  });

  it('find a composite index that no query uses, and a partition key that is not indexed', () => {
    const policy = structuredClone(customers);
    policy.indexingPolicy.includedPaths = policy.indexingPolicy.includedPaths.filter((entry) => entry.path !== '/partnerId/?');
    const problems = policyProblems(policy, ['SELECT * FROM c ORDER BY c.sortKey ASC, c.id ASC']);
    expect(problems).toEqual([
      expect.stringContaining('partition key /partnerId is not included'),
      expect.stringContaining('(/resellerId ascending, /sortKey'),
      expect.stringContaining('(/domain ascending'),
      expect.stringContaining('(/resellerId ascending, /domain'),
    ]);
  });
});

describe('the indexing policy and the queries of this test run', () => {
  const recorded = recordedQueries();

  it('recorded the queries of every container (run the whole suite: this file checks what the others sent)', () => {
    expect(new Set(recorded.map((entry) => entry.container))).toEqual(new Set([...containers.keys()].filter((name) => !POINT_OPERATIONS_ONLY.has(name))));
  });

  it('serves every query the stores sent from the index', () => {
    const problems = recorded.flatMap((entry) => {
      const container = containers.get(entry.container);
      if (!container) return [`${entry.container}: no such container in infra/cosmos-containers.json`];
      return indexProblems(container, entry.query, entry.singlePartition).map((problem) => `${entry.container}: ${problem}\n    in: ${entry.query}`);
    });
    expect(problems).toEqual([]);
  });

  it('has no composite index that no query uses, and indexes every partition key', () => {
    const problems = [...containers.values()].flatMap((container) =>
      policyProblems(
        container,
        recorded.filter((entry) => entry.container === container.name).map((entry) => entry.query),
      ),
    );
    expect(problems).toEqual([]);
  });
});
