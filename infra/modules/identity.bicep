// The user-assigned managed identity the Function App runs as: every data-plane call (Cosmos DB,
// Blob, Queue, Application Insights) and the deployment package download use it; no keys.

import { tagsType } from '../types.bicep'

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for the identity.')
param tags tagsType = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Name of the identity.')
output name string = identity.name

@description('Resource id of the identity.')
output resourceId string = identity.id

@description('Client (application) id of the identity: AZURE_CLIENT_ID and the __clientId of identity-based connections.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity, for role assignments.')
output principalId string = identity.properties.principalId
