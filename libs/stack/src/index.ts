export { startStack, newSecrets, type Stack, type StackOptions, type StackSecrets, type ClientCredentials } from './stack.ts'
export { startServiceProcess, serviceCommand, type ServiceName, type ServiceProcess } from './service-process.ts'
export { formatLogLine } from './log-format.ts'
export { restApiEvent, httpApiEvent, type EventRequest } from './lambda-events.ts'
