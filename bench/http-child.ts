/**
 * The service under load, in a process of its own: the real function table on the local runner,
 * plus a baseline HTTP function in the same table that answers a fixed body.
 *
 *   http-child a   end to end over the local Cosmos endpoint (seeded by the runner)
 *   http-child b   the same handlers over in-process containers that answer pages recorded from
 *                  the local Cosmos endpoint (bench/pages.ts)
 *   http-child c   the same as b, but the customers are BENCH_LIST_CUSTOMERS synthetic ones
 *                  (default 1,000,000) with their maintained count (bench/pages.ts)
 *
 *
 * Talks to the bench runner over IPC: sends {url} when listening; answers {type:'misses'} with the
 * number of requests the replaying containers had to send to the real store; answers {type:'cpu'}
 * with the CPU time this process has used (microseconds, user and system); takes
 * {type:'baselineBody', body} to set what the baseline answers.
 */
import { functionTable } from '../functions/table.js';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { type HttpFunctionEntry, httpFunction } from '../shared/host/function-table.js';
import { startLocalRunner } from '../shared/host/local-runner.js';
import { openContainers } from '../shared/store/cosmos.js';
import { CosmosCustomerCountRepository } from '../shared/store/counters-store.js';
import { CosmosCustomerRepository } from '../shared/store/customers-store.js';
import { CosmosTenantRepository } from '../shared/store/tenants-store.js';
import { createService } from '../shared/wiring.js';
import { ReplayingContainer, syntheticCounts, syntheticCustomers } from './pages.js';

const setup = process.argv[2] === 'b' || process.argv[2] === 'c' ? process.argv[2] : 'a';
const ports = {
  cosmos: Number(process.env.BENCH_COSMOS_PORT),
  blob: Number(process.env.BENCH_BLOB_PORT),
  queue: Number(process.env.BENCH_QUEUE_PORT),
};

/** What the baseline answers: fixed bytes, encoded once (the cheapest body there is). */
let baselineBody = Buffer.from('{"value":[]}');
const baseline: HttpFunctionEntry = httpFunction({
  name: 'bench-baseline',
  methods: ['GET'],
  route: 'api/bench/baseline',
  async handler() {
    return {
      status: 200,
      body: baselineBody,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    };
  },
});

async function main() {
  const config = loadConfig(localStackEnv(ports, process.env.BENCH_HTTP_DATABASE ?? 'bench-http'));
  const replays: ReplayingContainer[] = [];
  const service = createService(config, {
    ports: () => {
      if (setup === 'a') return {};
      const store = openContainers(config);
      const customers = new ReplayingContainer(store.customers);
      const tenants = new ReplayingContainer(store.tenants);
      replays.push(customers, tenants);
      const tenantRepository = new CosmosTenantRepository(tenants.asContainer());
      if (setup === 'c') {
        const count = Number(process.env.BENCH_LIST_CUSTOMERS ?? 1_000_000);
        return {
          customers: new CosmosCustomerRepository(syntheticCustomers(count)),
          customerCounts: new CosmosCustomerCountRepository(syntheticCounts(count)),
          tenants: tenantRepository,
        };
      }
      return { customers: new CosmosCustomerRepository(customers.asContainer()), tenants: tenantRepository };
    },
  });
  const runner = await startLocalRunner([baseline, ...functionTable], service, {
    queues: false,
    timers: false,
    log: () => undefined,
  });
  process.on('message', (message: { type: string; body?: string }) => {
    if (message.type === 'misses')
      process.send?.({
        type: 'misses',
        misses: replays.reduce((sum, replay) => sum + replay.misses, 0),
      });
    if (message.type === 'cpu') process.send?.({ type: 'cpu', microseconds: process.cpuUsage().user + process.cpuUsage().system });
    if (message.type === 'baselineBody' && message.body !== undefined) {
      baselineBody = Buffer.from(message.body);
      process.send?.({ type: 'baselineBody' });
    }
    if (message.type === 'stop') void runner.close().then(() => process.exit(0));
  });
  process.send?.({ type: 'ready', url: runner.url });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
