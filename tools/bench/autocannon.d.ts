// autocannon ships no types; this covers the part of its programmatic API the benchmark uses.
declare module 'autocannon' {
  interface Histogram { p50: number; p99: number; average: number; max: number }
  interface Result {
    '2xx': number
    non2xx: number
    errors: number
    timeouts: number
    latency: Histogram
    requests: Histogram
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    timeout?: number
    requests?: Array<Record<string, unknown>>
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
