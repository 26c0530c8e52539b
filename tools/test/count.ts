import type { Readable, Writable } from 'node:stream'
import { Parser } from 'tap-parser'

/**
 * Echoes tap's TAP stream and counts tests: the `ok`/`not ok` points directly inside each test
 * file (its `t.test` blocks and top-level assertions), plus one failure for a file that crashed
 * before it reported anything.
 */
export function countResults(input: Readable, echo: Writable): Promise<{ passed: number; failed: number }> {
  let passed = 0
  let failed = 0
  const parser = new Parser()
  parser.on('child', (file: Parser) => {
    let points = 0
    file.on('assert', (result: { ok: boolean; skip?: unknown; todo?: unknown }) => {
      points++
      if (result.ok) {
        if (!result.skip && !result.todo) passed++
      } else failed++
    })
    file.on('complete', (results: { ok: boolean }) => {
      if (points === 0 && !results.ok) failed++
    })
  })
  input.on('data', (chunk: Buffer) => {
    echo.write(chunk)
    parser.write(chunk)
  })
  return new Promise((resolve) => {
    input.on('end', () => {
      parser.end()
      resolve({ passed, failed })
    })
  })
}
