/**
 * Just enough of the Dockerfile format for the deploy test to check the images without a Docker
 * engine: instructions per stage and ARG substitution; .dockerignore matching is @balena/dockerignore
 * (https://docs.docker.com/build/concepts/context/#dockerignore-files: last matching rule wins).
 */
// CommonJS with a `default` property: the typed way in to it from ESM.
import dockerignore from '@balena/dockerignore'

export interface Instruction {
  keyword: string
  args: string
}

export interface Stage {
  from: string
  name?: string
  instructions: Instruction[]
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>
  stages: Stage[]
}

export function parseDockerfile(source: string): Dockerfile {
  const logical = source.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
  const result: Dockerfile = { globalArgs: {}, stages: [] }
  for (const line of logical) {
    const space = line.search(/\s/)
    const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase()
    const args = space < 0 ? '' : line.slice(space + 1).trim()
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/)
      result.stages.push({ from: image!, ...(as?.toUpperCase() === 'AS' && name !== undefined ? { name } : {}), instructions: [] })
    } else if (result.stages.length === 0) {
      if (keyword === 'ARG') {
        const [name, value] = args.split('=')
        result.globalArgs[name!] = value ?? ''
      }
    } else {
      result.stages.at(-1)!.instructions.push({ keyword, args })
    }
  }
  return result
}

export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => values[(braced ?? bare)!] ?? whole)
}

/** Values of a stage's ARGs: build args win over the declared defaults. */
export function stageArgs(stage: Stage, buildArgs: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {}
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ARG') continue
    const [name, value] = args.split('=')
    values[name!] = buildArgs[name!] ?? value ?? ''
  }
  return values
}

/** Sources of `COPY` (not `--from` another stage) and `ADD`, ARGs substituted. */
export function contextSources(stage: Stage, args: Record<string, string>): string[] {
  return stage.instructions
    .filter(({ keyword, args: text }) => (keyword === 'COPY' || keyword === 'ADD') && !/--from=/.test(text))
    .flatMap(({ args: text }) => {
      const parts = text.split(/\s+/).filter((part) => !part.startsWith('--'))
      return parts.slice(0, -1).map((part) => substitute(part, args))
    })
}

/** An exec-form instruction (`CMD ["node", "main.mjs"]`) as its argument list. */
export function execForm(args: string): string[] {
  const json = args.replace(/^CMD\s+/i, '')
  return JSON.parse(json) as string[]
}

/**
 * Whether .dockerignore keeps `path` (relative to the context) out of the build context, by
 * @balena/dockerignore, which follows Docker's own matcher (moby's fileutils) rule for rule.
 */
export function isIgnored(rules: string, path: string): boolean {
  return dockerignore.default().add(rules.split('\n')).ignores(path)
}
