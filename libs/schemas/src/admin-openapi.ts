import { AdminActionSchema, AdminSignupsPageSchema, AdminUserSchema } from './admin-api.ts'
import { ErrorResponseSchema } from './errors.ts'
import { AdminActivityPageSchema } from './security-events.ts'
import { SessionListSchema } from './token-api.ts'

type Operation = Record<string, unknown>

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } })
const errorsOf = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [String(status), { description: 'Error', ...json({ $ref: '#/components/schemas/Error' }) }]))
const reasonQuery = { name: 'reason', in: 'query', required: true, schema: { type: 'string', minLength: 3, maxLength: 500 }, description: 'Why (a ticket, an abuse report): stored in the audit event' }
const userIdPath = { name: 'userId', in: 'path', required: true, schema: { type: 'string' } }
const action = (summary: string, service: string, ok: Operation): Operation => ({
  summary, tags: [service], security: [{ adminBasic: [] }], parameters: [userIdPath],
  requestBody: { required: true, ...json(AdminActionSchema) }, responses: { ...ok, ...errorsOf(400, 401, 404) },
})
const read = (summary: string, service: string, parameters: unknown[], schema: unknown): Operation => ({
  summary, tags: [service], security: [{ adminBasic: [] }], parameters: [...parameters, reasonQuery],
  responses: { 200: { description: 'OK', ...json(schema) }, ...errorsOf(400, 401, 404) },
})

/**
 * The admin API's OpenAPI 3.1 document (GET /admin/v1/openapi.json on identity and token, and
 * `npm run admin -- openapi`). Paths are tagged with the service that serves them; `npm run admin`
 * orchestrates the two where one action spans both (disable: identity, then token).
 */
export function adminOpenApiDocument(): Record<string, unknown> {
  const user = { 200: { description: 'The user', ...json(AdminUserSchema) } }
  return {
    openapi: '3.1.0',
    info: {
      title: 'gatehouse admin API',
      version: '1.0.0',
      description: 'Internal: support and abuse handling. HTTP Basic with ADMIN_CLIENTS credentials only; every call needs a `reason` and is recorded as a security event with the admin client id and that reason. Errors answer `{ error: { code, message, requestId, details? } }`.',
    },
    tags: [{ name: 'identity', description: 'Served by identity (default :3001)' }, { name: 'token', description: 'Served by token (default :3002)' }],
    components: { securitySchemes: { adminBasic: { type: 'http', scheme: 'basic' } }, schemas: { Error: ErrorResponseSchema } },
    paths: {
      '/admin/v1/users': { get: read('Find a user by (normalised) email', 'identity', [{ name: 'email', in: 'query', required: true, schema: { type: 'string' } }], AdminUserSchema) },
      '/admin/v1/signups': {
        get: read('Every user, newest sign-up first, paginated (the sharded sign-up index, never a Scan)', 'identity', [
          { name: 'limit', in: 'query', schema: { type: 'string' } }, { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ], AdminSignupsPageSchema),
      },
      '/admin/v1/users/{userId}': { get: read('A user by id: profile and disabled state', 'identity', [userIdPath], AdminUserSchema) },
      '/admin/v1/users/{userId}/activity': {
        get: read('Security activity, newest first (admin events with their client and reason)', 'identity', [
          userIdPath, { name: 'limit', in: 'query', schema: { type: 'string' } }, { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ], AdminActivityPageSchema),
      },
      '/admin/v1/users/{userId}/disable': { post: action('Disable: sign-in (answered like a wrong password), reset and verification refused', 'identity', user) },
      '/admin/v1/users/{userId}/enable': { post: action('Enable a disabled account', 'identity', user) },
      '/admin/v1/users/{userId}/force-password-reset': { post: action('Mail a password-reset link (the CLI then ends every session)', 'identity', { 204: { description: 'Queued' } }) },
      '/admin/v1/users/{userId}/remove-second-factor': { post: action('Remove TOTP and recovery codes after an identity check done elsewhere; mails a notice', 'identity', { 204: { description: 'Removed' } }) },
      '/admin/v1/users/{userId}/passkeys/{passkeyId}/remove': {
        post: { ...action('Remove one passkey after an identity check done elsewhere; mails a notice', 'identity', { 204: { description: 'Removed' } }), parameters: [userIdPath, { name: 'passkeyId', in: 'path', required: true, schema: { type: 'string' } }] },
      },
      '/admin/v1/users/{userId}/mark-email-verified': { post: action('Mark the current address verified', 'identity', user) },
      '/admin/v1/users/{userId}/delete': { post: action('Erase the account as self-service deletion does (the CLI then ends every session)', 'identity', { 204: { description: 'Deleted' } }) },
      '/admin/v1/users/{userId}/sessions': {
        get: read('Active sessions, newest first; `next` is the cursor of the following page', 'token', [
          userIdPath, { name: 'limit', in: 'query', schema: { type: 'string' } }, { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ], SessionListSchema),
      },
      '/admin/v1/users/{userId}/email-verified': { post: action('The address was verified (after identity\'s mark-email-verified; the CLI calls both): open sessions carry email_verified true from their next refresh', 'token', { 204: { description: 'Recorded' } }) },
      '/admin/v1/users/{userId}/sessions/revoke-all': { post: action('End every session (per-user marker: introspection within 1 s)', 'token', { 204: { description: 'Ended' } }) },
      '/admin/v1/users/{userId}/sessions/{sessionId}/revoke': {
        post: { ...action('End one session', 'token', { 204: { description: 'Ended' } }), parameters: [userIdPath, { name: 'sessionId', in: 'path', required: true, schema: { type: 'string' } }] },
      },
    },
  }
}
