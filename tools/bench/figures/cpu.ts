import type { ServiceName } from '@gatehouse/stack'
import type { BenchContext } from '../types.ts'

/** The stack's own children by name: the processes whose CPU is ours (never DynamoDB Local's). */
export function servicePids(ctx: BenchContext, names: readonly ServiceName[]): Record<string, number> {
  return Object.fromEntries(names.map((name) => {
    const pid = ctx.stack.services[name]?.child.pid
    if (pid === undefined) throw new Error(`${name} is not running`)
    return [name, pid]
  }))
}
