// What an administrator watches in the Azure portal: alert rules on the app's telemetry, sent to
// one action group (an e-mail address, when given), and a small Azure Monitor workbook. The rules
// are log queries over Application Insights; nothing here holds or lists a key.
// - A failed export attempt: the worker logs "Export <id> failed on attempt <n>" (it is retried up
//   to host.json's maxDequeueCount times).
// - A message on the poison queue: the exports-poison function logs "Export <id> reached the poison
//   queue" and marks the export Failed for good.
// - A rise in the API's 5xx rate: over apiErrorRatePercent of /api requests in 15 minutes, once
//   there are enough of them to judge.

import { tagsType } from '../types.bicep'

@description('Required. Name of the Application Insights component the rules query.')
param applicationInsightsName string

@description('Required. Azure region of the alert rules and the workbook.')
param location string

@description('Optional. Tags for every resource.')
param tags tagsType = {}

@description('Required. Name of the action group.')
param actionGroupName string

@description('Optional. E-mail address the alerts go to; empty: the action group has no receiver yet (add one in the portal).')
param alertEmail string = ''

@description('Optional. Percentage of /api requests answering 5xx in 15 minutes that raises the alert.')
@minValue(1)
@maxValue(100)
param apiErrorRatePercent int = 5

@description('Optional. Fewest /api requests in 15 minutes before the 5xx rate counts.')
@minValue(1)
param apiErrorMinimumRequests int = 20

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'custlist'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'administrator'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

var rules = [
  {
    name: 'export-attempt-failed'
    displayName: 'An export attempt failed'
    description: 'The export worker failed an attempt; it is retried, and after the last attempt the export is Failed.'
    severity: 2
    query: 'traces | where message has "failed on attempt" and message startswith "Export "'
  }
  {
    name: 'export-poisoned'
    displayName: 'An export reached the poison queue'
    description: 'An export message used up its attempts and was moved to the poison queue; the export is marked Failed.'
    severity: 1
    query: 'traces | where message has "reached the poison queue"'
  }
  {
    name: 'api-5xx-rate'
    displayName: 'The API\'s 5xx rate rose'
    description: 'More than ${apiErrorRatePercent}% of /api requests answered 5xx in 15 minutes.'
    severity: 1
    query: 'requests | where url has "/api/" | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= ${apiErrorMinimumRequests} and 100.0 * failed / total > ${apiErrorRatePercent}'
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in rules: {
    name: '${applicationInsightsName}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        applicationInsights.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

// Exports by outcome and duration (each exports-worker invocation is one slice of an export),
// exports given up, and the API's latency and errors.
var workbookContent = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      content: {
        json: '## Customer list service\nExports and API health from Application Insights.'
      }
    }
    {
      type: 3
      content: {
        version: 'KqlItem/1.0'
        title: 'Export slices by outcome and duration'
        query: 'requests | where name == "exports-worker" | summarize slices = count(), p50_ms = percentile(duration, 50), p95_ms = percentile(duration, 95) by success, bin(timestamp, 1h) | order by timestamp desc'
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'table'
      }
    }
    {
      type: 3
      content: {
        version: 'KqlItem/1.0'
        title: 'Exports that failed or reached the poison queue'
        query: 'traces | where message has "failed on attempt" or message has "reached the poison queue" | project timestamp, severityLevel, message | order by timestamp desc'
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'table'
      }
    }
    {
      type: 3
      content: {
        version: 'KqlItem/1.0'
        title: 'API latency and errors'
        query: 'requests | where url has "/api/" | summarize requests = count(), p50_ms = percentile(duration, 50), p95_ms = percentile(duration, 95), errors_5xx = countif(toint(resultCode) >= 500), errors_4xx = countif(toint(resultCode) between (400 .. 499)) by bin(timestamp, 15m) | order by timestamp desc'
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'timechart'
      }
    }
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(applicationInsights.id, 'customer-list-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Customer list service'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(workbookContent)
  }
}

@description('Name of the action group the alerts go to.')
output actionGroupName string = actionGroup.name

@description('Names of the alert rules.')
output alertRuleNames string[] = [for i in range(0, length(rules)): alertRules[i].name]
