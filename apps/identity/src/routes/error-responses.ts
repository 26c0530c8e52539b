import { Type } from '@sinclair/typebox'
import { ErrorResponseSchema } from '@gatehouse/schemas'

/** The shared error shape (registered once by createServer), for response schemas. */
export const ErrorRef = Type.Ref(ErrorResponseSchema)

/** Statuses every internal route may answer with besides its own. */
export const commonErrors = { 400: ErrorRef, 401: ErrorRef, 413: ErrorRef, 415: ErrorRef } as const
