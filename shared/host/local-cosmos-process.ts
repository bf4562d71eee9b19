/**
 * The durable local Cosmos endpoint as a process of its own (started by `spawnCosmosEndpoint`), so
 * its query scans and snapshots never hold up the service's event loop. It says `ready` over IPC,
 * and on `stop` (or SIGTERM) takes a last snapshot and exits. When its parent
 * dies (the IPC channel closes) it exits at once: every acknowledged write is already in the
 * journal. It ignores SIGINT: Ctrl-C reaches the parent, which stops the service first.
 */
import { startLocalCosmos } from './local-cosmos.js';

const [portArgument, folder, legacyDatabase] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);

try {
  const endpoint = await startLocalCosmos({
    port: Number(portArgument ?? 0),
    ...(folder ? { folder } : {}),
    ...(legacyDatabase ? { legacyDatabase } : {}),
    ...(process.env.LOCAL_COSMOS_SNAPSHOT_SECONDS ? { snapshotSeconds: Number(process.env.LOCAL_COSMOS_SNAPSHOT_SECONDS) } : {}),
    ...(process.env.LOCAL_COSMOS_SNAPSHOT_PAUSE_MS ? { snapshotPauseMilliseconds: Number(process.env.LOCAL_COSMOS_SNAPSHOT_PAUSE_MS) } : {}),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= endpoint.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', stop);
  process.on('disconnect', () => {
    if (!stopping) process.exit(0);
  });
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') stop();
  });
  send({ type: 'ready', port: endpoint.port, restored: endpoint.restored });
} catch (err) {
  send({ type: 'failed', message: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
  process.exit(1);
}
