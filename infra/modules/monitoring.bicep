// Log Analytics workspace and the workspace-based Application Insights component. Where Entra-only
// ingestion is supported (entraOnly), local (instrumentation key) authentication is off: telemetry
// is accepted only with an Entra token, which the Functions host gets from the app's identity
// (APPLICATIONINSIGHTS_AUTHENTICATION_STRING). Elsewhere it stays on, so telemetry is not dropped.

import { tagsType } from '../types.bicep'

@description('Required. Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Required. Azure region.')
param location string

@description('Optional. Tags for both resources.')
param tags tagsType = {}

@description('Optional. Accept only Entra-authenticated telemetry (DisableLocalAuth).')
param entraOnly bool = true

@description('Optional. Days the workspace keeps logs (30 is included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: entraOnly
  }
}

@description('Name of the Application Insights component.')
output applicationInsightsName string = applicationInsights.name

@description('Resource id of the Log Analytics workspace.')
output logAnalyticsWorkspaceId string = workspace.id
