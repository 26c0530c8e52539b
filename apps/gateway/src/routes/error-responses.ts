import { ErrorRef } from '../schemas/auth.ts'

/** Response schemas for the error statuses a route can answer, all in the one shared shape. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorRef> {
  return Object.fromEntries([...statuses, 500].map((status) => [status, ErrorRef]))
}

/** Answers every route may give: bad input, rate limit, downstream down. */
export const COMMON_ERRORS = [400, 429, 503]
