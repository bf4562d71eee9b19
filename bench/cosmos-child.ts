/**
 * The local Cosmos DB endpoint in a process of its own, so that neither the service under load nor
 * the load generator shares its event loop. Sends {port} over IPC when listening.
 */
import { startCosmosEndpoint } from '../shared/host/local-stack.js';

const endpoint = await startCosmosEndpoint(0);
process.send?.({ type: 'ready', port: endpoint.port });
process.on('disconnect', () => void endpoint.close().then(() => process.exit(0)));
