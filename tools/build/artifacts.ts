import { bundleApp } from './bundle.ts'
import { bundleTablesJob } from './bundle-tables-job.ts'

/** The apps with a container image. */
export const APPS = ['identity', 'token', 'gateway'] as const

/**
 * What `npm run build` (every project's Nx `build` target) writes for the Dockerfiles and the
 * compose file, built in-process for the deploy tests. Not a command: `npm run build` is the one.
 */
export async function buildDeployArtifacts(): Promise<Record<string, number>> {
  const sizes = await Promise.all([...APPS.map((app) => bundleApp(`apps/${app}`)), bundleTablesJob()])
  return Object.assign({}, ...sizes) as Record<string, number>
}
