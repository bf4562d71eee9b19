// The dry run of Microsoft Cloud for US Government (Azure Government; npm test compiles it and writes
// the result to test/artifacts/arm/usgovernment): example values of what azd passes from its
// environment after `azd config set cloud.name AzureUSGovernment`.
using '../main.bicep'

param environmentName = 'dryrun-usgov'
param location = 'usgovvirginia'
param authClientId = '11111111-1111-1111-1111-111111111111'
param principalId = '22222222-2222-2222-2222-222222222222'
// The Microsoft 365 admin center of the US Government clouds (GCC High); the Azure portal link
// follows the cloud by itself.
param serviceLinkAdminCenter = 'https://portal.office365.us/Partner/BeginClientSession.aspx?CTID={customerId}&CSDEST=o365admincenter'
// Not the defaults, so the dry run shows each retention reaching every place that uses it.
param exportFileRetentionDays = 3
param activityRetentionDays = 90
// Flex Consumption is not offered in Azure Government regions (the preprovision hook checks):
// the Dedicated plan, with the package read from blob storage by the app's identity.
param hostingPlan = 'Dedicated'
param dedicatedPlanSku = 'B1'
// Partners of the commercial Partner Center sign in from public-cloud tenants.
param authSignInAuthority = 'https://login.microsoftonline.com/' // documented-default: the public cloud's authority, on purpose
// Entra-only ingestion is documented for the public cloud only: keep the connection string's key.
param telemetryEntraOnly = false
