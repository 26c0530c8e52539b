import type { ServiceName } from '@gatehouse/stack'

/** `npm start`'s metrics listeners: 9100, 9101, 9102 unless *_METRICS_PORT says otherwise. */
export const DEV_METRICS_PORTS: Record<ServiceName, number> = { gateway: 9100, identity: 9101, token: 9102 }

/**
 * Each service's metrics port, and the standard OTEL_* variables passed through unchanged (the
 * stack gives services no variable of the launcher's by default). OTEL_SERVICE_NAME, when unset,
 * names each service, so one trace shows three services rather than three "unknown_service"s.
 */
export function observabilityEnv(env: Record<string, string | undefined>): Record<ServiceName, Record<string, string>> {
  const otel = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('OTEL_') && entry[1] !== undefined))
  const forService = (name: ServiceName): Record<string, string> => ({
    METRICS_PORT: env[`${name.toUpperCase()}_METRICS_PORT`] ?? String(DEV_METRICS_PORTS[name]),
    ...otel,
    ...(Object.keys(otel).length > 0 && otel['OTEL_SERVICE_NAME'] === undefined ? { OTEL_SERVICE_NAME: `gatehouse-${name}` } : {}),
  })
  return { gateway: forService('gateway'), identity: forService('identity'), token: forService('token') }
}

export function metricsUrls(envs: Record<ServiceName, Record<string, string>>): string {
  return (['gateway', 'identity', 'token'] as const).map((name) => `  ${name.padEnd(8)} http://127.0.0.1:${envs[name]['METRICS_PORT']}/metrics`).join('\n')
}
