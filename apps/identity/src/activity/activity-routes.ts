import { AppError, type App } from '@gatehouse/platform'
import type { SecurityEventsRepository } from '@gatehouse/dynamo'
import { ActivityPageSchema, ActivityQuerySchema, ErrorCodes, UserIdParamsSchema } from '@gatehouse/schemas'
import { commonErrors } from '../routes/error-responses.ts'

/** GET /v1/users/:userId/activity: the user's security events, newest first, one bounded page. */
export function registerActivityRoutes(app: App, events: SecurityEventsRepository): void {
  app.get('/v1/users/:userId/activity', {
    schema: {
      summary: "A user's security activity, newest first",
      params: UserIdParamsSchema,
      querystring: ActivityQuerySchema,
      response: { 200: ActivityPageSchema, ...commonErrors },
    },
  }, async (request) => {
    const page = await events.list(request.params.userId, { limit: Number(request.query.limit ?? 20), cursor: request.query.cursor })
    if (page === undefined) {
      throw new AppError(400, ErrorCodes.VALIDATION_FAILED, 'The cursor is not one this service issued', { details: { field: 'cursor' } })
    }
    return page
  })
}
