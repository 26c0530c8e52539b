export { provideDynamo, type ProvideOptions } from './provider.ts'
export { startEmbedded, type EmbeddedOptions } from './embedded.ts'
export { startContainer, dockerConfigured, DYNAMODB_LOCAL_IMAGE } from './container.ts'
export { javaMajorVersion, JAVA_HELP } from './java.ts'
export { freePort, portInUse } from './free-port.ts'
export { waitForDynamo } from './wait-ready.ts'
export type { RunningDynamo } from './types.ts'
// Test helpers live with the tables; re-exported here for tests that already import the provider.
export { useTestDynamo, type TestDynamo } from '@gatehouse/dynamo'
