import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Stack } from '@gatehouse/stack'
import type { SignedIn } from './fixtures.ts'

/** One row of the results: what was measured, against what, and whether the goal was met. */
export interface Figure {
  id: string
  title: string
  /** e.g. `{ perSecond, p50, p99 }`, in the units the keys name (ms, MB, bytes). */
  measured: Record<string, number>
  baseline?: Record<string, number>
  /** How the comparison reads (e.g. `service/baseline throughput`); absent when nothing is compared. */
  ratio?: number
  ratioOf?: string
  goal: string
  /** null: reported only, no goal. */
  met: boolean | null
  note?: string
}

export interface BenchContext {
  stack: Stack
  dynamo: { endpoint: string; prefix: string; doc: DynamoDBDocumentClient }
  cost: number
  durationSec: number
  /** Concurrent connections (and baseline workers) of every figure but login. */
  connections: number
  /** Login and its bcrypt baseline: enough to keep bcrypt's threadpool busy through the round trips. */
  loginConnections: number
  emails: string[]
  password: string
  /** Signed-in sessions for introspection and /auth/me. */
  sessions: SignedIn[]
  /** Sessions whose refresh tokens the refresh figure rotates (one chain per connection). */
  refreshSessions: SignedIn[]
  fromDist: boolean
  /** Start-up repetitions per service. */
  reps: number
  log: (line: string) => void
}
