/**
 * The storage account a service URI names: the first path segment on Azurite
 * (`http://127.0.0.1:10000/devstoreaccount1`), else the first label of the host name, which is
 * the account in every Azure cloud's storage endpoints.
 */
export function storageAccountName(serviceUri: string): string {
  const url = new URL(serviceUri);
  return url.pathname.split('/').filter(Boolean)[0] ?? url.hostname.split('.')[0] ?? '';
}
