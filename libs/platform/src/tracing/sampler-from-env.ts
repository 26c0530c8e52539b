import type * as SdkTraceModule from '@opentelemetry/sdk-trace'
import type { Sampler } from '@opentelemetry/sdk-trace'

type SdkTrace = typeof SdkTraceModule

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the specification defines them
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration);
 * the 3.x trace SDK leaves reading them to its caller. Default: parentbased_always_on.
 */
export function samplerFromEnv(sdk: SdkTrace, env: Record<string, string | undefined>): Sampler {
  const name = env['OTEL_TRACES_SAMPLER'] ?? 'parentbased_always_on'
  const argument = Number(env['OTEL_TRACES_SAMPLER_ARG'] ?? '1')
  const ratio = Number.isFinite(argument) && argument >= 0 && argument <= 1 ? argument : 1
  switch (name) {
    case 'always_on': return new sdk.AlwaysOnSampler()
    case 'always_off': return new sdk.AlwaysOffSampler()
    case 'traceidratio': return new sdk.TraceIdRatioBasedSampler(ratio)
    case 'parentbased_always_off': return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() })
    case 'parentbased_traceidratio': return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio) })
    case 'parentbased_always_on': return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() })
    default: throw new Error(`OTEL_TRACES_SAMPLER: unsupported sampler "${name}"`)
  }
}
