/**
 * One lazy DefaultAzureCredential for the process (managed identity in Azure). The authority host
 * comes from settings so sovereign clouds work unchanged.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { Config } from './config.js';

let credential: TokenCredential | undefined;

export function azureCredential(config: Config): TokenCredential {
  credential ??= new DefaultAzureCredential({
    ...(config.identity.clientId ? { managedIdentityClientId: config.identity.clientId } : {}),
    ...(config.identity.authorityHost ? { authorityHost: config.identity.authorityHost } : {}),
  });
  return credential;
}
