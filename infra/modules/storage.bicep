// The storage account: the Functions host's own storage (AzureWebJobsStorage), the Flex Consumption
// deployment package container, the export files container (with a lifecycle rule that deletes old
// files) and the export work queue with its poison queue. Shared keys are off: every caller uses
// Entra ID, and download links are user delegation SAS.

import { tagsType } from '../types.bicep'

@description('Required. Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for the account.')
param tags tagsType = {}

@description('Optional. Redundancy of the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param skuName string = 'Standard_LRS'

@description('Required. Blob container that holds the Function App\'s deployment package.')
param deploymentContainerName string

@description('Required. Blob container for export files (EXPORTS_CONTAINER_NAME).')
param exportsContainerName string

@description('Required. Queue of export work (EXPORTS_QUEUE_NAME); its poison queue is this name plus -poison.')
param exportsQueueName string

@description('Optional. Containers of the Functions host: locks (azure-webjobs-hosts) and keys (azure-webjobs-secrets), made here so the app\'s roles can be limited to them.')
param hostContainerNames string[] = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]

@description('Required. Days after its last modification an export file is deleted (EXPORT_FILE_RETENTION_DAYS).')
@minValue(1)
param exportFileRetentionDays int

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    // A deleted export file should be gone, not kept as a soft-deleted blob.
    deleteRetentionPolicy: {
      enabled: false
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for container in hostContainerNames: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource exportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: exportsContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Runs about once a day, so a file can outlive its retention by up to a day; download links are
// valid for at most an hour, so none outlives its file.
resource exportFilesLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-export-files'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${exportsContainer.name}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: exportFileRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource exportsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = {
  parent: queueService
  name: exportsQueueName
}

// The Functions host moves a message here after host.json's maxDequeueCount attempts; the
// exports-poison function marks its export Failed.
resource exportsPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = {
  parent: queueService
  name: '${exportsQueueName}-poison'
}

@description('Name of the storage account.')
output name string = storage.name

@description('Blob service endpoint of this cloud, e.g. https://<account>.blob.<storage suffix>/.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Queue service endpoint of this cloud.')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('Name of the export files container.')
output exportsContainerName string = exportsContainer.name

@description('Name of the export work queue.')
output exportsQueueName string = exportsQueue.name

@description('Name of the poison queue of the export work queue.')
output exportsPoisonQueueName string = exportsPoisonQueue.name

@description('Names of the Functions host\'s containers.')
output hostContainerNames string[] = [for i in range(0, length(hostContainerNames)): hostContainers[i].name]

@description('Name of the deployment package container.')
output deploymentContainerName string = deploymentContainer.name
