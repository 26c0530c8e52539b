import { Writable } from 'node:stream'
import pino from 'pino'
import { loggerOptions } from '../src/index.ts'

/** A pino logger that keeps its lines in memory, with the production redaction settings. */
export function memoryLogger(level = 'info'): { logger: pino.Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString())
      callback()
    },
  })
  const logger = pino(loggerOptions(level, 'test'), stream)
  const text = (): string => chunks.join('')
  return { logger, text, lines: () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) }
}
