/**
 * Export files in Blob storage: staged blocks of a block blob, committed in order, and read-only
 * SAS links to one blob. Against Azurite the SAS is signed with the account key; in Azure it is a
 * user delegation SAS obtained through managed identity. Nothing outside this module knows which.
 */
import {
  BlobSASPermissions,
  BlobServiceClient,
  type ContainerClient,
  generateBlobSASQueryParameters,
  type RestError,
  SASProtocol,
  StorageSharedKeyCredential,
  type UserDelegationKey,
} from '@azure/storage-blob';
import type { Config } from '../config.js';
import { azureCredential } from '../credential.js';
import type { BlobProperties, ExportFileStore } from '../exports/ports.js';
import { storageAccountName } from './account.js';

/** User delegation keys are reused while they have at least this long to live. */
const DELEGATION_KEY_REUSE_MILLISECONDS = 30 * 60_000;

export class BlobExportFileStore implements ExportFileStore {
  private readonly service: BlobServiceClient;
  private readonly container: ContainerClient;
  private readonly sharedKey: StorageSharedKeyCredential | undefined;
  private delegationKey: { key: UserDelegationKey; expiresOn: Date } | undefined;

  constructor(config: Config) {
    const { blobServiceUri, accountKey } = config.storage;
    if (accountKey) {
      this.sharedKey = new StorageSharedKeyCredential(storageAccountName(blobServiceUri), accountKey);
      this.service = new BlobServiceClient(blobServiceUri, this.sharedKey);
    } else {
      this.sharedKey = undefined;
      this.service = new BlobServiceClient(blobServiceUri, azureCredential(config));
    }
    this.container = this.service.getContainerClient(config.exports.containerName);
  }

  /** Creates the container (local stack only; Bicep creates it in Azure). */
  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  async stageBlock(blobName: string, blockId: string, bytes: Uint8Array): Promise<void> {
    await this.container.getBlockBlobClient(blobName).stageBlock(blockId, bytes, bytes.byteLength);
  }

  async commitBlocks(blobName: string, blockIds: string[], properties: BlobProperties): Promise<'Committed' | 'InvalidBlockList'> {
    try {
      await this.container.getBlockBlobClient(blobName).commitBlockList(blockIds, {
        blobHTTPHeaders: { blobContentType: properties.contentType, blobContentDisposition: properties.contentDisposition },
      });
      return 'Committed';
    } catch (err) {
      if ((err as RestError).code === 'InvalidBlockList') return 'InvalidBlockList';
      throw err;
    }
  }

  async stagedBlockIds(blobName: string): Promise<string[]> {
    try {
      const list = await this.container.getBlockBlobClient(blobName).getBlockList('uncommitted');
      return (list.uncommittedBlocks ?? []).map((block) => block.name);
    } catch (err) {
      if ((err as RestError).statusCode === 404) return [];
      throw err;
    }
  }

  async deleteFile(blobName: string): Promise<void> {
    const blob = this.container.getBlockBlobClient(blobName);
    // Staged blocks that were never committed are not a blob yet, so a delete does not reach them
    // (the service drops them after a week). Committing an empty list discards them at once;
    // the empty blob it leaves is then deleted.
    await blob.commitBlockList([]);
    await blob.deleteIfExists();
  }

  async readUrl(blobName: string, expiresOn: Date): Promise<string> {
    const blob = this.container.getBlobClient(blobName);
    const startsOn = new Date(Date.now() - 5 * 60_000);
    const values = {
      containerName: this.container.containerName,
      blobName,
      permissions: BlobSASPermissions.parse('r'),
      startsOn,
      expiresOn,
      protocol: blob.url.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
    };
    const sas = this.sharedKey
      ? generateBlobSASQueryParameters(values, this.sharedKey)
      : generateBlobSASQueryParameters(values, await this.userDelegationKey(expiresOn), this.service.accountName);
    return `${blob.url}?${sas.toString()}`;
  }

  private async userDelegationKey(validUntil: Date): Promise<UserDelegationKey> {
    const current = this.delegationKey;
    if (current && current.expiresOn.getTime() >= validUntil.getTime()) return current.key;
    const startsOn = new Date(Date.now() - 5 * 60_000);
    const expiresOn = new Date(validUntil.getTime() + DELEGATION_KEY_REUSE_MILLISECONDS);
    const key = await this.service.getUserDelegationKey(startsOn, expiresOn);
    this.delegationKey = { key, expiresOn };
    return key;
  }
}
