// The dry run of the public cloud (npm test compiles it and writes the result to
// test/artifacts/arm/public): example values of what azd passes from its environment.
using '../main.bicep'

param environmentName = 'dryrun-public'
param location = 'eastus'
param authClientId = '11111111-1111-1111-1111-111111111111'
param principalId = '22222222-2222-2222-2222-222222222222'
param telemetryEntraOnly = true
param alertEmail = 'operations@contoso.example'
