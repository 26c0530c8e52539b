export * from './primitives.ts'
export * from './errors.ts'
export * from './config.ts'
