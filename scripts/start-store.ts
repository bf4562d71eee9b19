/**
 * The store the local commands (`npm run import`, `npm run refresh-keys`) work on: the one
 * COSMOS_ENDPOINT names; else the embedded endpoint `npm start` serves, when it is listening on
 * COSMOS_PORT; else `npm start`'s saved data under .data/, opened in an embedded endpoint of its own
 * (which journals every write, so the next `npm start` serves them).
 */
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, localStackEnv } from '../shared/config.js';
import { type LocalCosmosEndpoint, startLocalCosmos } from '../shared/host/local-cosmos.js';
import { bootstrapStore } from '../shared/store/bootstrap.js';
import { createService } from '../shared/wiring.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const snapshotFolder = path.join(path.resolve(process.env.LOCAL_DATA_FOLDER ?? path.join(root, '.data')), 'cosmos');

const isListening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export interface StartStore {
  service: ReturnType<typeof createService>;
  /** The local endpoint's port (npm start's, or the embedded one's); undefined with COSMOS_ENDPOINT. */
  localPort?: number;
  /** Whether the saved data was opened here (npm start is not running). */
  embedded: boolean;
  /** Closes the embedded endpoint, if one was opened (a last snapshot). */
  close(): Promise<void>;
}

export async function openStartStore(): Promise<StartStore> {
  if (process.env.COSMOS_ENDPOINT) {
    return { service: createService(loadConfig(process.env)), embedded: false, close: async () => undefined };
  }
  const startPort = Number(process.env.COSMOS_PORT ?? 8081);
  let embedded: LocalCosmosEndpoint | undefined;
  if (!(await isListening(startPort))) {
    embedded = await startLocalCosmos({ port: 0, folder: snapshotFolder, legacyDatabase: process.env.COSMOS_DATABASE_NAME ?? 'customerlist' });
  }
  const localPort = embedded?.port ?? startPort;
  const close = async () => {
    await embedded?.close();
  };
  try {
    const service = createService(loadConfig({ ...process.env, ...localStackEnv({ cosmos: localPort, blob: 10000, queue: 10001 }) }));
    if (embedded) await bootstrapStore(service.config, service.store);
    return { service, localPort, embedded: embedded !== undefined, close };
  } catch (err) {
    await close();
    throw err;
  }
}
