// The customer list service in Azure, for `azd up`: one resource group holding the app's identity,
// monitoring, storage, Cosmos DB, the Function App, its authentication and the role assignments.
// Each module does one thing; this file only names things and wires them together.
targetScope = 'subscription'

import { dataRoleType, roleAssignmentType } from 'types.bicep'

// Environment

@description('Required. Name of the azd environment; part of every resource name (AZURE_ENV_NAME).')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Required. Azure region of every resource (AZURE_LOCATION).')
@minLength(1)
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional. Object id of the deploying user (AZURE_PRINCIPAL_ID), granted the same data roles as the app so it can run against these resources locally. Empty: none.')
param principalId string = ''

@description('Optional. Kind of principal principalId is (a CI pipeline deploys as a ServicePrincipal).')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

// Sign-in

@description('Required. Application (client) id of the Entra app registration with the Customers.Read and Customers.ReadWrite app roles (AUTH_CLIENT_ID; the preprovision hook creates it).')
@minLength(36)
@maxLength(36)
param authClientId string

@description('Optional. Tenant whose sign-ins are accepted: \'common\' for partners in their own tenants, or one tenant id (AUTH_ISSUER_TENANT).')
param authIssuerTenant string = 'common'

@description('Optional. What an unauthenticated request gets: RedirectToLoginPage or Return401 (AUTH_UNAUTHENTICATED_ACTION).')
@allowed([
  'RedirectToLoginPage'
  'Return401'
])
param authUnauthenticatedAction string = 'RedirectToLoginPage'

// Capacity

@description('Optional. Redundancy of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Optional. Cosmos DB capacity: Serverless (default) or Autoscale (COSMOS_CAPACITY_MODE).')
@allowed([
  'Serverless'
  'Autoscale'
])
param cosmosCapacityMode string = 'Serverless'

@description('Optional. Maximum RU/s of the shared autoscale throughput when cosmosCapacityMode is Autoscale.')
@minValue(1000)
@maxValue(1000000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Optional. Node.js version of the Function App.')
@allowed([
  '20'
  '22'
])
param nodeVersion string = '20'

@description('Optional. Memory of each Function App instance, in MB.')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('Optional. Most instances the Function App scales out to.')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@description('Optional. Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// The service's settings

@description('Optional. Blob container of export files.')
@minLength(3)
@maxLength(63)
param exportsContainerName string = 'exports'

@description('Optional. Queue of export work; its poison queue is this name plus -poison.')
@minLength(3)
@maxLength(56)
param exportsQueueName string = 'exports'

@description('Optional. Days an export file is kept before the lifecycle rule deletes it.')
@minValue(1)
param exportFileRetentionDays int = 7

@description('Optional. Days activity records are kept (the activity container\'s TTL).')
@minValue(1)
param activityRetentionDays int = 365

@description('Optional. NCRONTAB (6 fields, UTC) of the export scheduler and maintenance timers.')
param exportSchedulerCron string = '0 */5 * * * *'

@description('Optional. Quick-link template to a customer\'s Microsoft 365 admin center; {customerId} is replaced. Empty: the app\'s default (the public cloud\'s); set it for a national cloud.')
param serviceLinkAdminCenter string = ''

@description('Optional. Quick-link template to a customer\'s Azure portal; {customerId} is replaced. Defaults to this cloud\'s portal.')
param serviceLinkAzurePortal string = '${environment().portal}/#@{customerId}'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

// Built-in role definition ids; the same GUIDs in every Azure cloud.
var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002'
}

// What the service does with its data, granted to the app and to the deploying user alike.
var dataRoles = [
  {
    target: 'storage'
    roleDefinitionId: roles.storageBlobDataContributor
    description: 'Storage Blob Data Contributor: host storage, the deployment package and export files.'
  }
  {
    target: 'storage'
    roleDefinitionId: roles.storageQueueDataContributor
    description: 'Storage Queue Data Contributor: the exports queue and its poison queue.'
  }
  {
    target: 'storage'
    roleDefinitionId: roles.storageBlobDelegator
    description: 'Storage Blob Delegator: user delegation keys that sign read-only download links.'
  }
  {
    target: 'cosmos'
    roleDefinitionId: roles.cosmosDataContributor
    description: 'Cosmos DB Built-in Data Contributor: read and write items in the service\'s database.'
  }
]

// Only the app sends telemetry.
var telemetryRole = {
  target: 'monitoring'
  roleDefinitionId: roles.monitoringMetricsPublisher
  description: 'Monitoring Metrics Publisher: send telemetry to Application Insights with Entra ID.'
}

resource resourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
    exportsContainerName: exportsContainerName
    exportsQueueName: exportsQueueName
    exportFileRetentionDays: exportFileRetentionDays
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: resourceGroup
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    activityRetentionDays: activityRetentionDays
  }
}

module roleAssignments 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: resourceGroup
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosAccountName: cosmos.outputs.name
    cosmosDatabaseName: cosmos.outputs.databaseName
    roleAssignments: concat(
      map(
        concat(dataRoles, [telemetryRole]),
        role => grant(role, identity.outputs.principalId, 'ServicePrincipal')
      ),
      empty(principalId)
        ? []
        : map(dataRoles, role => grant(role, principalId, principalType))
    )
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: resourceGroup
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    nodeVersion: nodeVersion
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
    identityName: identity.outputs.name
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosAccountName: cosmos.outputs.name
    cosmosDatabaseName: cosmos.outputs.databaseName
    exportsContainerName: storage.outputs.exportsContainerName
    exportsQueueName: storage.outputs.exportsQueueName
    exportFileRetentionDays: exportFileRetentionDays
    activityRetentionDays: activityRetentionDays
    exportSchedulerCron: exportSchedulerCron
    serviceLinkAdminCenter: serviceLinkAdminCenter
    serviceLinkAzurePortal: serviceLinkAzurePortal
  }
}

module appAuth 'modules/app-auth.bicep' = {
  name: 'app-auth'
  scope: resourceGroup
  params: {
    functionAppName: functionApp.outputs.name
    clientId: authClientId
    issuerTenant: authIssuerTenant
    unauthenticatedClientAction: authUnauthenticatedAction
  }
}

@description('The grant of one role to one principal.')
func grant(role dataRoleType, principalId string, principalType 'User' | 'ServicePrincipal') roleAssignmentType => {
  target: role.target
  roleDefinitionId: role.roleDefinitionId
  description: role.description
  principalId: principalId
  principalType: principalType
}

// Outputs: azd writes these to the environment (.azure/<env>/.env); the postprovision hook turns
// them into local settings.

@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group holding every resource.')
output AZURE_RESOURCE_GROUP string = resourceGroup.name

@description('Sign-in authority of this cloud (AZURE_AUTHORITY_HOST).')
output AZURE_AUTHORITY_HOST string = environment().authentication.loginEndpoint

@description('Name of the Function App.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Client id of the app\'s user-assigned identity (AZURE_CLIENT_ID in Azure; not for local runs, which use the developer\'s own sign-in).')
output AZURE_FUNCTION_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Base URL of the service: the portal at /, the API under /api.')
output SERVICE_API_URI string = functionApp.outputs.uri

@description('Sign-in callback URL to register on the app registration.')
output AUTH_REDIRECT_URI string = '${functionApp.outputs.uri}${appAuth.outputs.callbackPath}'

@description('Cosmos DB endpoint (COSMOS_ENDPOINT).')
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint

@description('Cosmos DB database (COSMOS_DATABASE_NAME).')
output COSMOS_DATABASE_NAME string = cosmos.outputs.databaseName

@description('Blob endpoint (STORAGE__blobServiceUri).')
output STORAGE_BLOB_SERVICE_URI string = storage.outputs.blobEndpoint

@description('Queue endpoint (STORAGE__queueServiceUri).')
output STORAGE_QUEUE_SERVICE_URI string = storage.outputs.queueEndpoint

@description('Export files container (EXPORTS_CONTAINER_NAME).')
output EXPORTS_CONTAINER_NAME string = storage.outputs.exportsContainerName

@description('Export work queue (EXPORTS_QUEUE_NAME).')
output EXPORTS_QUEUE_NAME string = storage.outputs.exportsQueueName

@description('Days an export file is kept (EXPORT_FILE_RETENTION_DAYS).')
output EXPORT_FILE_RETENTION_DAYS int = exportFileRetentionDays

@description('Days activity records are kept (ACTIVITY_RETENTION_DAYS).')
output ACTIVITY_RETENTION_DAYS int = activityRetentionDays

@description('NCRONTAB of the export scheduler and maintenance timers (EXPORT_SCHEDULER_CRON; the postprovision hook writes it to local.settings.json).')
output EXPORT_SCHEDULER_CRON string = exportSchedulerCron
