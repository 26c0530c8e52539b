import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { bearerFailure, bearerToken } from './bearer.ts'
import { TokenError } from './errors.ts'
import { createVerifier, type Verifier, type VerifierOptions, type VerifiedToken, type VerifyOptions } from './verifier.ts'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified gatehouse token, set by requireToken. */
      token?: VerifiedToken
    }
  }
}

export type GatehouseExpressOptions = (VerifierOptions | { verifier: Verifier }) & { realm?: string }

/**
 * `const auth = gatehouseExpress({ jwksUrl, issuer, audience })`, then
 * `app.get('/orders', auth.requireToken({ scopes: ['orders:read'] }), handler)`; `req.token` holds
 * the verified claims.
 */
export function gatehouseExpress(options: GatehouseExpressOptions): { verifier: Verifier; requireToken(options?: VerifyOptions): RequestHandler } {
  const verifier = 'verifier' in options ? options.verifier : createVerifier(options)
  const realm = options.realm ?? 'api'
  const fail = (response: Response, error: TokenError | undefined): void => {
    const failure = bearerFailure(error, realm)
    response.status(failure.status).set(failure.headers).json(failure.body)
  }
  return {
    verifier,
    requireToken: (verifyOptions: VerifyOptions = {}) => (request: Request, response: Response, next: NextFunction): void => {
      let token: string | undefined
      try {
        token = bearerToken(request.get('authorization'))
      } catch (error) {
        return fail(response, error as TokenError)
      }
      if (token === undefined) return fail(response, undefined)
      verifier.verify(token, verifyOptions).then(
        (verified) => {
          request.token = verified
          next()
        },
        (error: unknown) => (error instanceof TokenError ? fail(response, error) : next(error)),
      )
    },
  }
}
export type { VerifiedToken, VerifyOptions } from './verifier.ts'
