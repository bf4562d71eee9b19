// Every role the deployment grants, from one typed list: Azure RBAC roles on the storage account
// and on Application Insights, and Cosmos DB data-plane roles on the database. Each assignment is
// named guid(scope id, principal id, role id), so re-running the deployment changes nothing.

import { roleAssignmentType } from '../types.bicep'

@description('Required. The grants.')
param roleAssignments roleAssignmentType[]

@description('Required. Name of the storage account.')
param storageAccountName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Required. Name of the Cosmos DB account.')
param cosmosAccountName string

@description('Required. Name of the Cosmos DB database the data-plane roles are limited to.')
param cosmosDatabaseName string

var storageGrants = filter(roleAssignments, grant => grant.target == 'storage')
var monitoringGrants = filter(roleAssignments, grant => grant.target == 'monitoring')
var cosmosGrants = filter(roleAssignments, grant => grant.target == 'cosmos')

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: cosmosAccountName

  resource database 'sqlDatabases' existing = {
    name: cosmosDatabaseName
  }
}

resource cosmosRoleDefinitions 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2025-04-15' existing = [
  for grant in cosmosGrants: {
    parent: cosmos
    name: grant.roleDefinitionId
  }
]

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in storageGrants: {
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

