// Cosmos DB for NoSQL: the account (serverless by default, or a database with shared autoscale
// throughput), the database and its containers. Containers, partition keys, TTLs and indexing
// policies come from ../cosmos-containers.json, the same file the local bootstrap
// (shared/store/bootstrap.ts) reads. Keys are disabled: the app and the developer use Entra ID
// and the data-plane roles granted in role-assignments.bicep.

import { tagsType } from '../types.bicep'

@description('Required. Name of the Cosmos DB account.')
param name string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for the account.')
param tags tagsType = {}

@description('Optional. Serverless (pay per request, nothing at rest but storage) or Autoscale (provisioned throughput shared by the containers, scaling between 10% and 100% of the maximum).')
@allowed([
  'Serverless'
  'Autoscale'
])
param capacityMode string = 'Serverless'

@description('Optional. Maximum RU/s of the database\'s shared autoscale throughput; used only when capacityMode is Autoscale.')
@minValue(1000)
@maxValue(1000000)
param autoscaleMaxThroughput int = 1000

@description('Required. Days activity records are kept: the activity container\'s defaultTtl, as ACTIVITY_RETENTION_DAYS sets it locally.')
@minValue(1)
param activityRetentionDays int

var containerFile = loadJsonContent('../cosmos-containers.json')
var secondsPerDay = 86400

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: capacityMode == 'Serverless'
      ? [
          {
            name: 'EnableServerless'
          }
        ]
      : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: containerFile.databaseName
  properties: {
    resource: {
      id: containerFile.databaseName
    }
    options: capacityMode == 'Autoscale'
      ? {
          autoscaleSettings: {
            maxThroughput: autoscaleMaxThroughput
          }
        }
      : {}
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for container in containerFile.containers: {
    parent: database
    name: container.name
    properties: {
      resource: union(
        {
          id: container.name
          partitionKey: {
            paths: [
              container.partitionKeyPath
            ]
            kind: 'Hash'
            version: 2
          }
          indexingPolicy: container.indexingPolicy
        },
        // As the local bootstrap does: the activity TTL follows the retention setting; null means no TTL.
        container.name == 'activity'
          ? { defaultTtl: activityRetentionDays * secondsPerDay }
          : (container.defaultTtl == null ? {} : { defaultTtl: container.defaultTtl })
      )
    }
  }
]

@description('Name of the Cosmos DB account.')
output name string = account.name

@description('Document endpoint of the account in this cloud (COSMOS_ENDPOINT).')
output endpoint string = account.properties.documentEndpoint

@description('Name of the database (COSMOS_DATABASE_NAME).')
output databaseName string = database.name

@description('Names of the containers.')
output containerNames string[] = [for i in range(0, length(containerFile.containers)): containers[i].name]
