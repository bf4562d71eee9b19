/**
 * The local Cosmos DB endpoint in a process of its own, so that neither the service under load nor
 * the load generator shares its event loop. Sends {port} over IPC when listening, and answers
 * {type: 'requests'} with the number of requests it has received (calls per operation).
 */
import { startCosmosEndpoint } from '../shared/host/local-stack.js';

const endpoint = await startCosmosEndpoint(0);
process.send?.({ type: 'ready', port: endpoint.port });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'requests') process.send?.({ type: 'requests', requests: endpoint.requests() });
});
process.on('disconnect', () => void endpoint.close().then(() => process.exit(0)));
