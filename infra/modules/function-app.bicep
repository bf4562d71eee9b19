// The Function App on the Flex Consumption plan: Node.js on Functions v4, running as the
// user-assigned identity, with identity-based connections only. Every endpoint comes from the
// resources themselves (primaryEndpoints, documentEndpoint) or environment(), so the same file
// deploys to any Azure cloud.

@description('Required. Name of the Function App.')
param name string

@description('Required. Name of the Flex Consumption plan.')
param planName string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for the plan and the app (the app also gets azd-service-name).')
param tags object = {}

@description('Optional. The azure.yaml service this app hosts (azd finds the app by this tag).')
param serviceName string = 'api'

@description('Optional. Node.js version of the Flex Consumption runtime.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '20'

@description('Optional. Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Most instances the app scales out to.')
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

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
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
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
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

  // FUNCTIONS_WORKER_RUNTIME is not set: on Flex Consumption the runtime is functionAppConfig.runtime.
  // Identity-based connections use service URIs, not __accountName, because the host builds URIs
  // from an account name with the public cloud's suffix.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(
      {
        FUNCTIONS_EXTENSION_VERSION: '~4'
        // A larger young generation keeps an export's short-lived rows out of the old generation:
        // peak RSS stays flat (about 170 MB) however long the export (npm run bench).
        NODE_OPTIONS: '--max-semi-space-size=32'
        AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
        AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
        AzureWebJobsStorage__credential: 'managedidentity'
        AzureWebJobsStorage__clientId: identity.properties.clientId
        APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
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
      empty(serviceLinkAdminCenter) ? {} : { SERVICE_LINK_ADMIN_CENTER: serviceLinkAdminCenter }
    )
  }
}

@description('Name of the Function App.')
output name string = functionApp.name

@description('Base URL of the app in this cloud (https://<default host name>).')
output uri string = 'https://${functionApp.properties.defaultHostName}'
