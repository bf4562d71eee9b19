// The Function App: Node.js on Functions v4, running as the user-assigned identity, with
// identity-based connections only, on one of two hosting plans:
// - FlexConsumption (default): scales to zero; the runtime is functionAppConfig, the package is
//   in a blob container the platform reads with the identity.
// - Dedicated: a Linux App Service plan, for clouds and regions without Flex Consumption. The
//   package is a blob too (WEBSITE_RUN_FROM_PACKAGE with the identity's resource id), so neither
//   plan needs Azure Files or a storage key.
// Every endpoint comes from the resources themselves (primaryEndpoints, documentEndpoint) or
// environment(), so the same file deploys to any Azure cloud.

import { tagsType } from '../types.bicep'

@description('Required. Name of the Function App.')
param name string

@description('Required. Name of the hosting plan.')
param planName string

@description('Optional. FlexConsumption, or Dedicated (a Linux App Service plan) where Flex Consumption is not offered.')
@allowed([
  'FlexConsumption'
  'Dedicated'
])
param hostingPlan string = 'FlexConsumption'

@description('Optional. SKU of the Dedicated plan (B1 and up; P0v3 for production loads). Used only when hostingPlan is Dedicated.')
param dedicatedSkuName string = 'B1'

@description('Optional. Name of the package blob in the deployment container that the Dedicated plan runs from (WEBSITE_RUN_FROM_PACKAGE).')
param dedicatedPackageBlobName string = 'api.zip'

@description('Required. Azure region.')
param location string

@description('Optional. Tags for the plan and the app (the app also gets azd-service-name).')
param tags tagsType = {}

@description('Optional. The azure.yaml service this app hosts (azd finds the app by this tag).')
param serviceName string = 'api'

@description('Optional. Node.js version of the runtime (Node.js 20 reached end of support on 2026-04-30).')
@allowed([
  '22'
])
param nodeVersion string = '22'

@description('Optional. Memory of each instance, in MB (Flex Consumption).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Most instances the app scales out to (Flex Consumption).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Required. Name of the user-assigned identity the app runs as.')
param identityName string

@description('Required. Name of the storage account (host storage, deployment package, exports).')
param storageAccountName string

@description('Required. Blob container of the deployment package.')
param deploymentContainerName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Required. Whether Application Insights accepts only Entra-authenticated telemetry (then the host authenticates with the identity).')
param telemetryEntraOnly bool

@description('Required. Name of the Cosmos DB account.')
param cosmosAccountName string

@description('Required. Cosmos DB database (COSMOS_DATABASE_NAME).')
param cosmosDatabaseName string

@description('Required. Export files container (EXPORTS_CONTAINER_NAME).')
param exportsContainerName string

@description('Required. Export work queue (EXPORTS_QUEUE_NAME).')
param exportsQueueName string

@description('Required. Days an export file is kept (EXPORT_FILE_RETENTION_DAYS; the storage lifecycle rule uses the same value).')
param exportFileRetentionDays int

@description('Required. Days activity records are kept (ACTIVITY_RETENTION_DAYS; the activity container TTL uses the same value).')
param activityRetentionDays int

@description('Required. NCRONTAB of the export scheduler and maintenance timers (EXPORT_SCHEDULER_CRON).')
param exportSchedulerCron string

@description('Optional. Quick-link template to a customer\'s Microsoft 365 admin center ({customerId} is replaced). Empty: the app\'s default.')
param serviceLinkAdminCenter string = ''

@description('Required. Quick-link template to a customer\'s Azure portal ({customerId} is replaced).')
param serviceLinkAzurePortal string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: cosmosAccountName
}

var flex = hostingPlan == 'FlexConsumption'
var packageContainerUrl = '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: flex ? 'functionapp' : 'linux'
  sku: flex
    ? {
        name: 'FC1'
        tier: 'FlexConsumption'
      }
    : {
        name: dedicatedSkuName
      }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: union(
    {
      serverFarmId: plan.id
      httpsOnly: true
      publicNetworkAccess: 'Enabled'
    },
    flex
      ? {
          siteConfig: {
            minTlsVersion: '1.2'
            scmMinTlsVersion: '1.2'
            // No ftpsState: Flex Consumption rejects it where enforced (ARM error 51021); FTP is
            // off through the ftp basicPublishingCredentialsPolicies below.
            http20Enabled: true
          }
          functionAppConfig: {
            deployment: {
              storage: {
                type: 'blobContainer'
                value: packageContainerUrl
                authentication: {
                  type: 'UserAssignedIdentity'
                  userAssignedIdentityResourceId: identity.id
                }
              }
            }
            scaleAndConcurrency: {
              instanceMemoryMB: instanceMemoryMB
              maximumInstanceCount: maximumInstanceCount
            }
            runtime: {
              name: 'node'
              version: nodeVersion
            }
          }
        }
      : {
          siteConfig: {
            linuxFxVersion: 'Node|${nodeVersion}'
            alwaysOn: true
            minTlsVersion: '1.2'
            scmMinTlsVersion: '1.2'
            ftpsState: 'Disabled'
            http20Enabled: true
          }
        }
  )

  // No publishing passwords: azd deploys with Entra ID.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  // On Flex Consumption FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not set: the
  // runtime and its version are functionAppConfig.runtime, and the host is always Functions v4.
  // On Dedicated they are, with the package blob read by the identity.
  // Identity-based connections use service URIs, not __accountName, because the host builds URIs
  // from an account name with the public cloud's suffix.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(
      {
        // A larger young generation keeps an export's short-lived rows out of the old generation:
        // peak RSS stays flat (about 170 MB) however long the export (npm run bench).
        NODE_OPTIONS: '--max-semi-space-size=32'
        AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
        AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
        AzureWebJobsStorage__credential: 'managedidentity'
        AzureWebJobsStorage__clientId: identity.properties.clientId
        APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
        AZURE_CLIENT_ID: identity.properties.clientId
        AZURE_AUTHORITY_HOST: environment().authentication.loginEndpoint
        COSMOS_ENDPOINT: cosmos.properties.documentEndpoint
        COSMOS_DATABASE_NAME: cosmosDatabaseName
        STORAGE__blobServiceUri: storage.properties.primaryEndpoints.blob
        STORAGE__queueServiceUri: storage.properties.primaryEndpoints.queue
        STORAGE__credential: 'managedidentity'
        STORAGE__clientId: identity.properties.clientId
        EXPORTS_CONTAINER_NAME: exportsContainerName
        EXPORTS_QUEUE_NAME: exportsQueueName
        EXPORT_FILE_RETENTION_DAYS: string(exportFileRetentionDays)
        ACTIVITY_RETENTION_DAYS: string(activityRetentionDays)
        EXPORT_SCHEDULER_CRON: exportSchedulerCron
        SERVICE_LINK_AZURE_PORTAL: serviceLinkAzurePortal
        // Absolute links (nextLink, Operation-Location) start here, never at the request's Host header.
        PUBLIC_BASE_URL: 'https://${functionApp.properties.defaultHostName}'
      },
      empty(serviceLinkAdminCenter) ? {} : { SERVICE_LINK_ADMIN_CENTER: serviceLinkAdminCenter },
      // Telemetry with an Entra token from the identity, where Application Insights accepts only that.
      telemetryEntraOnly ? { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD' } : {},
      flex
        ? {}
        : {
            FUNCTIONS_EXTENSION_VERSION: '~4'
            FUNCTIONS_WORKER_RUNTIME: 'node'
            WEBSITE_RUN_FROM_PACKAGE: '${packageContainerUrl}/${dedicatedPackageBlobName}'
            WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identity.id
          }
    )
  }
}

@description('Name of the Function App.')
output name string = functionApp.name

@description('Base URL of the app in this cloud (https://<default host name>).')
output uri string = 'https://${functionApp.properties.defaultHostName}'
