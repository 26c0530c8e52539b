/**
 * The Lambda entry point bundled as `dist/authorizer/authorizer.mjs`. Module load only reads the
 * environment and builds the verifier (no network), so a cold start stays short; the JWKS is
 * fetched on the first request and then reused by every warm invocation.
 */
import { authorizerOptionsFromEnv, createAuthorizer } from './authorizer.ts'

export const handler = createAuthorizer(authorizerOptionsFromEnv(process.env))
