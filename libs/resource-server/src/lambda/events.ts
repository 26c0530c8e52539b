/** The few fields of API Gateway authorizer events the authorizer reads (no @types/aws-lambda needed). */

/** HTTP API, payload format 2.0, simple responses. */
export interface HttpApiAuthorizerEvent {
  version: '2.0'
  type: 'REQUEST'
  routeArn: string
  identitySource?: string[] | null
  headers?: Record<string, string | undefined> | null
}
export interface HttpApiSimpleResponse {
  isAuthorized: boolean
  context?: Record<string, string>
}

/** REST API, TOKEN authorizer. */
export interface RestTokenAuthorizerEvent {
  type: 'TOKEN'
  methodArn: string
  authorizationToken: string
}
/** REST API, REQUEST authorizer. */
export interface RestRequestAuthorizerEvent {
  type: 'REQUEST'
  methodArn: string
  headers?: Record<string, string | undefined> | null
}
export interface RestPolicyResponse {
  principalId: string
  policyDocument: { Version: '2012-10-17'; Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string }[] }
  context?: Record<string, string>
}

export type AuthorizerEvent = HttpApiAuthorizerEvent | RestTokenAuthorizerEvent | RestRequestAuthorizerEvent
export type AuthorizerResponse = HttpApiSimpleResponse | RestPolicyResponse
