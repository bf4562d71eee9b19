/**
 * The import rules of the service (see ../shared/style.md and the README's "How it is built"),
 * checked by `npm test`, with no exceptions. Imports point one way:
 *
 *   functions/ -> host/, http/, wiring -> domain -> kernel
 *                 store/, storage/ ----^
 *
 * The kernel imports nothing of ours; the domain knows no SDK, no HTTP, no host and no wiring; only
 * store/ touches Cosmos DB, only storage/ Blob and Queue; function files are thin triggers that
 * import no other function file; no two files and no two folders import each other.
 */
const DOMAIN = '^shared/(customers|subscriptions|exports|activity|tenants|import|demo)/';

module.exports = {
  forbidden: [
    {
      name: 'kernel-imports-nothing-of-ours',
      comment: 'Page, cursor, errors, text folding, ids and time: every module may use them, so they use no module.',
      severity: 'error',
      from: { path: '^shared/kernel/' },
      to: { path: '^(shared|functions|scripts|infra)/', pathNot: '^shared/kernel/' },
    },
    {
      name: 'domain-knows-no-sdk-http-host-or-wiring',
      comment: 'The domain works through its ports; SDKs live in store/ and storage/, HTTP in http/, hosts in host/.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^(node_modules/)?@azure/|^shared/(store|storage|host|http)/|^shared/(wiring|config|credential)\\.ts$|^functions/' },
    },
    {
      name: 'store-and-storage-do-not-import-each-other',
      severity: 'error',
      from: { path: '^shared/(store|storage)/' },
      to: { path: '^shared/(store|storage)/', pathNot: '^shared/$1/' },
    },
    {
      name: 'function-files-do-not-import-each-other',
      comment: 'Only the table lists them and only the entry point registers the table.',
      severity: 'error',
      from: { path: '^functions/', pathNot: '^functions/(table|index)\\.ts$' },
      to: { path: '^functions/' },
    },
    {
      name: 'function-files-call-services-not-adapters',
      comment: 'A handler reaches the store and storage through the services the composition root built.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^shared/(store|storage)/' },
    },
    {
      name: 'only-store-knows-cosmos',
      severity: 'error',
      from: { pathNot: '^shared/store/' },
      to: { path: '@azure/cosmos' },
    },
    {
      name: 'only-storage-knows-blob-and-queue',
      severity: 'error',
      from: { pathNot: '^shared/storage/' },
      to: { path: '@azure/(storage-blob|storage-queue)' },
    },
    {
      name: 'one-credential',
      severity: 'error',
      from: { pathNot: '^shared/credential\\.ts$' },
      to: { path: '@azure/identity' },
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
    {
      name: 'no-circular-folders',
      comment: 'Folders form no cycle either: customers/ and activity/ must not reach each other both ways.',
      severity: 'error',
      scope: 'folder',
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
