import { spawnSync } from 'node:child_process'

export const JAVA_HELP =
  'DynamoDB Local needs Java 17 or newer. Install it (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`; ' +
  'macOS: `brew install openjdk@17`), or point the stack at a running DynamoDB with DYNAMODB_ENDPOINT.'

/** The major version of the `java` on PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' })
  if (result.error !== undefined || result.status !== 0) return undefined
  // `java -version` prints to stderr, e.g. `openjdk version "17.0.15"` or `java version "1.8.0_401"`.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr)
  if (match === null) return undefined
  const major = Number(match[1])
  return major === 1 ? Number(match[2]) : major
}
