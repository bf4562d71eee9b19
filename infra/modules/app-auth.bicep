// App Service Authentication (Easy Auth v2) with Microsoft Entra ID in front of the whole app. The
// platform validates the caller's token or session and passes the caller to the app in the
// x-ms-client-principal header, with the app roles (Customers.Read, Customers.ReadWrite) as `roles`
// claims; the app itself never sees a request without one, except on the anonymous paths.
// No client secret: browser sign-in uses the ID token (implicit) flow, API callers send bearer
// tokens.

@description('Required. Name of the Function App.')
param functionAppName string

@description('Required. Application (client) id of the Entra app registration that defines the app roles.')
@minLength(36)
@maxLength(36)
param clientId string

@description('Optional. Sign-in authority (the Entra login endpoint) whose tokens are accepted; empty: this Azure cloud\'s. Set it to another cloud\'s authority to admit that cloud\'s tenants (for example the public cloud\'s from a US Government deployment).')
param signInAuthority string = ''

@description('Optional. Tenant whose sign-ins are accepted: \'common\' (any organization\'s tenant; the app then admits only tenants it knows as partners or resellers, answering 403 to others) or one tenant id.')
param issuerTenant string = 'common'

@description('Optional. What an unauthenticated request gets: a redirect to sign-in (browsers; requests with X-Requested-With: XMLHttpRequest still get 401) or 401.')
@allowed([
  'RedirectToLoginPage'
  'Return401'
])
param unauthenticatedClientAction string = 'RedirectToLoginPage'

@description('Optional. Paths served without authentication.')
param anonymousPaths string[] = [
  '/api/health'
  '/api/openapi.json'
]

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

var authority = empty(signInAuthority) ? environment().authentication.loginEndpoint : (endsWith(signInAuthority, '/') ? signInAuthority : '${signInAuthority}/')

resource authSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: unauthenticatedClientAction
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: anonymousPaths
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          openIdIssuer: '${authority}${issuerTenant}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${clientId}'
            clientId
          ]
        }
      }
    }
    login: {
      // The portal's routes are URL fragments (#/activity); keep them across the sign-in redirect.
      preserveUrlFragmentsForLogins: true
      // Flex Consumption has no persistent file system for a token store, and the app needs no
      // downstream tokens: the session cookie and x-ms-client-principal are enough.
      tokenStore: {
        enabled: false
      }
    }
    httpSettings: {
      requireHttps: true
      routes: {
        apiPrefix: '/.auth'
      }
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
  }
}

@description('Sign-in callback path to register as a web redirect URI on the app registration.')
output callbackPath string = '/.auth/login/aad/callback'
