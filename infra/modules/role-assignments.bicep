// Every role the deployment grants, from one typed list, each on the narrowest scope that serves:
// a container or queue of the storage account where the role works there, the account only for
// what has no narrower scope (user delegation keys), Application Insights, and Cosmos DB
// data-plane roles on the database. Each assignment is named guid(scope id, principal id, role
// id), so re-running the deployment changes nothing.

import { roleAssignmentType } from '../types.bicep'

@description('Required. The grants.')
param roleAssignments roleAssignmentType[]

@description('Required. Name of the storage account.')
param storageAccountName string

@description('Required. Container of export files.')
param exportsContainerName string

@description('Required. Container of the deployment package.')
param packageContainerName string

@description('Required. Containers of the Functions host (locks and keys).')
param hostContainerNames string[]

@description('Required. The export work queue and its poison queue.')
param exportQueueNames string[]

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Required. Name of the Cosmos DB account.')
param cosmosAccountName string

@description('Required. Name of the Cosmos DB database the data-plane roles are limited to.')
param cosmosDatabaseName string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource queueService 'queueServices' existing = {
    name: 'default'
  }
}

resource exportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: storage::blobService
  name: exportsContainerName
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: storage::blobService
  name: packageContainerName
}

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = [
  for container in hostContainerNames: {
    parent: storage::blobService
    name: container
  }
]

resource exportQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' existing = [
  for queue in exportQueueNames: {
    parent: storage::queueService
    name: queue
  }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: cosmosAccountName

  resource database 'sqlDatabases' existing = {
    name: cosmosDatabaseName
  }
}

var accountGrants = filter(roleAssignments, grant => grant.target == 'storageAccount')
var exportsContainerGrants = filter(roleAssignments, grant => grant.target == 'exportsContainer')
var packageContainerGrants = filter(roleAssignments, grant => grant.target == 'packageContainer')
var monitoringGrants = filter(roleAssignments, grant => grant.target == 'monitoring')
var cosmosGrants = filter(roleAssignments, grant => grant.target == 'cosmos')
// Grants on several containers or queues: one assignment for each pair.
var hostContainerGrants = flatten(map(
  filter(roleAssignments, grant => grant.target == 'hostContainers'),
  grant => map(range(0, length(hostContainerNames)), i => { grant: grant, index: i })
))
var exportQueueGrants = flatten(map(
  filter(roleAssignments, grant => grant.target == 'exportQueues'),
  grant => map(range(0, length(exportQueueNames)), i => { grant: grant, index: i })
))

resource cosmosRoleDefinitions 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2025-04-15' existing = [
  for grant in cosmosGrants: {
    parent: cosmos
    name: grant.roleDefinitionId
  }
]

resource accountRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in accountGrants: {
    name: guid(storage.id, grant.principalId, grant.roleDefinitionId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleDefinitionId)
      principalId: grant.principalId
      principalType: grant.principalType
      description: grant.description
    }
  }
]

resource exportsContainerRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in exportsContainerGrants: {
    name: guid(exportsContainer.id, grant.principalId, grant.roleDefinitionId)
    scope: exportsContainer
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleDefinitionId)
      principalId: grant.principalId
      principalType: grant.principalType
      description: grant.description
    }
  }
]

resource packageContainerRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in packageContainerGrants: {
    name: guid(packageContainer.id, grant.principalId, grant.roleDefinitionId)
    scope: packageContainer
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleDefinitionId)
      principalId: grant.principalId
      principalType: grant.principalType
      description: grant.description
    }
  }
]

resource hostContainerRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for pair in hostContainerGrants: {
    name: guid(hostContainers[pair.index].id, pair.grant.principalId, pair.grant.roleDefinitionId)
    scope: hostContainers[pair.index]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', pair.grant.roleDefinitionId)
      principalId: pair.grant.principalId
      principalType: pair.grant.principalType
      description: pair.grant.description
    }
  }
]

resource exportQueueRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for pair in exportQueueGrants: {
    name: guid(exportQueues[pair.index].id, pair.grant.principalId, pair.grant.roleDefinitionId)
    scope: exportQueues[pair.index]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', pair.grant.roleDefinitionId)
      principalId: pair.grant.principalId
      principalType: pair.grant.principalType
      description: pair.grant.description
    }
  }
]

resource monitoringRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in monitoringGrants: {
    name: guid(applicationInsights.id, grant.principalId, grant.roleDefinitionId)
    scope: applicationInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleDefinitionId)
      principalId: grant.principalId
      principalType: grant.principalType
      description: grant.description
    }
  }
]

// Cosmos DB data-plane roles are not Azure RBAC: they live on the account, and their scope is a
// data-plane path (here the database, not the whole account).
resource cosmosRoleAssignments 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = [
  for (grant, i) in cosmosGrants: {
    parent: cosmos
    name: guid(cosmos::database.id, grant.principalId, grant.roleDefinitionId)
    properties: {
      roleDefinitionId: cosmosRoleDefinitions[i].id
      principalId: grant.principalId
      scope: '${cosmos.id}/dbs/${cosmos::database.name}'
    }
  }
]
