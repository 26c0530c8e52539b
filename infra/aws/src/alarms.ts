/**
 * The alarms a canary watches. Each one is about something a user would notice within the five
 * minutes the canary runs: server errors, slow answers, or people suddenly failing to sign in.
 * CodeDeploy rolls the alias back as soon as one of them is in ALARM.
 */
import { Duration } from 'aws-cdk-lib'
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch'
import type { Construct } from 'constructs'

/** Above 1 % of requests answered 5xx over a minute. */
export const SERVER_ERROR_RATE = 0.01
/** p99 latency ceilings (ms): identity pays one bcrypt compare (about 250 ms of a core) per sign-in. */
export const P99_MS = { gateway: 1500, identity: 1200, token: 400, authorizer: 400 } as const
/** More than half of the sign-ins failing, measured only while at least this many are attempted per minute. */
export const SIGN_IN_FAILURE_RATE = 0.5
export const SIGN_IN_MIN_ATTEMPTS = 20

export const PERIOD = Duration.minutes(1)

/** errors / total over one minute, 0 while nothing is counted (a quiet minute is not an outage). */
export function rateAlarm(scope: Construct, id: string, description: string, errors: IMetric, total: IMetric, threshold: number, minTotal = 1): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: description,
    metric: new MathExpression({
      expression: `IF(total >= ${minTotal}, errors / total, 0)`,
      usingMetrics: { errors, total },
      period: PERIOD,
    }),
    threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  })
}

export function latencyAlarm(scope: Construct, id: string, description: string, p99: IMetric, ceilingMs: number): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: description,
    metric: p99,
    threshold: ceilingMs,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  })
}
