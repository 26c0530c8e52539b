import { Type } from '@sinclair/typebox'
import { ErrorResponseSchema } from '@gatehouse/schemas'

const ErrorResponseRef = Type.Ref(ErrorResponseSchema)

/** Response schemas for the error statuses a route can answer, all in the shared shape. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorResponseRef> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponseRef]))
}
