// Types shared by main.bicep and the modules.

@export()
@description('One role granted to one principal: an Azure RBAC role on the storage account or on Application Insights, or a Cosmos DB data-plane role on the database.')
type roleAssignmentType = {
  @description('Required. Which resource the role is granted on.')
  target: 'storage' | 'monitoring' | 'cosmos'

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
  target: 'storage' | 'monitoring' | 'cosmos'

  @description('Required. The role definition GUID.')
  roleDefinitionId: string

  @description('Required. Why the service needs this role.')
  description: string
}
