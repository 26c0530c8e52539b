import { existsSync } from 'node:fs'
import type { RunningDynamo } from './types.ts'

export const DYNAMODB_LOCAL_IMAGE = 'amazon/dynamodb-local:3.3.1'

/** Cheap check before loading testcontainers: is a Docker engine configured at all? */
export function dockerConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['DOCKER_HOST'] !== undefined || existsSync('/var/run/docker.sock')
}

/** Starts DynamoDB Local in a container, or returns undefined when no Docker engine answers. */
export async function startContainer(): Promise<RunningDynamo | undefined> {
  if (!dockerConfigured()) return undefined
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers')
  try {
    await getContainerRuntimeClient()
  } catch {
    return undefined
  }
  const container = await new GenericContainer(DYNAMODB_LOCAL_IMAGE)
    .withCommand(['-jar', 'DynamoDBLocal.jar', '-inMemory', '-sharedDb'])
    .withExposedPorts(8000)
    .withWaitStrategy(Wait.forListeningPorts())
    .start()
  return {
    endpoint: `http://${container.getHost()}:${container.getMappedPort(8000)}`,
    kind: 'container',
    stop: async () => {
      await container.stop()
    },
  }
}
