/**
 * The import rules of the service (see ../shared/style.md), checked by `npm test`:
 * the domain knows no SDK and no host; only store/ touches Cosmos DB, only storage/ touches Blob,
 * Queue and identity; functions/ are thin triggers that nothing in shared/ imports.
 */
const DOMAIN = '^shared/(customers|subscriptions|exports|activity|tenants|import|demo)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-knows-no-sdk',
      comment: 'The domain works through ports; SDKs live in store/ and storage/, hosts in host/.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^(node_modules/)?@azure/|^shared/(store|storage|host)/|^functions/' },
    },
    {
      name: 'only-store-knows-cosmos',
      severity: 'error',
      from: { pathNot: '^shared/store/' },
      to: { path: '@azure/cosmos' },
    },
    {
      name: 'only-storage-knows-blob-queue-identity',
      severity: 'error',
      from: { pathNot: '^shared/storage/' },
      to: { path: '@azure/(storage-blob|storage-queue|identity)' },
    },
    {
      name: 'shared-does-not-import-functions',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|deploy|test|bench|portal)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
