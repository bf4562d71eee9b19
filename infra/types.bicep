// Types shared by main.bicep and the modules.

@export()
@description('''Where a role is granted, as narrowly as the resource allows: the storage account (only what has no narrower scope), one of its containers or queues, Application Insights, or the service's Cosmos DB database.''')
type roleTargetType =
  | 'storageAccount'
  | 'exportsContainer'
  | 'packageContainer'
  | 'hostContainers'
  | 'exportQueues'
  | 'monitoring'
  | 'cosmos'

@export()
@description('One role granted to one principal: an Azure RBAC role on a storage scope or on Application Insights, or a Cosmos DB data-plane role on the database.')
type roleAssignmentType = {
  @description('Required. Which resource the role is granted on.')
  target: roleTargetType

  @description('Required. The role definition GUID: a built-in Azure role for storage and monitoring, a Cosmos DB SQL role definition for cosmos.')
  roleDefinitionId: string

  @description('Required. Object id of the principal (the app\'s managed identity or the deploying user).')
  principalId: string

  @description('Required. The kind of principal, so Azure RBAC does not have to look it up (and does not fail on a new identity).')
  principalType: 'ServicePrincipal' | 'User' | 'Group'

  @description('Required. Why this principal needs this role.')
  description: string
}

@export()
@description('Tags of a resource: names and string values (azd-env-name, azd-service-name).')
type tagsType = {
  *: string
}

@export()
@description('A role the service needs on one target, before it is granted to a principal.')
type dataRoleType = {
  @description('Required. Which resource the role is granted on.')
  target: roleTargetType

  @description('Required. The role definition GUID.')
  roleDefinitionId: string

  @description('Required. Why the service needs this role.')
  description: string
}
