/**
 * A reader for the small YAML subset docker/compose.yml is kept in (no dependency needed):
 * block mappings, block sequences of scalars, flow sequences of scalars (`[a, "b"]`), plain and
 * quoted scalars, comments. Anchors, multi-line strings and flow mappings are refused, so the file
 * cannot silently grow beyond what the deploy test reads correctly.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue }

interface Line {
  indent: number
  text: string
  number: number
}

function stripComment(text: string): string {
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quote !== undefined) {
      if (char === quote) quote = undefined
    } else if (char === '"' || char === "'") {
      quote = char
    } else if (char === '#' && (i === 0 || text[i - 1] === ' ')) {
      return text.slice(0, i).trimEnd()
    }
  }
  return text.trimEnd()
}

export function parseScalar(raw: string, lineNumber = 0): YamlValue {
  const text = raw.trim()
  if (text.startsWith('"')) return JSON.parse(text) as string
  if (text.startsWith("'")) return text.slice(1, -1).replaceAll("''", "'")
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${lineNumber}: unterminated flow sequence`)
    const inner = text.slice(1, -1).trim()
    if (inner === '') return []
    return (inner.match(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+/g) ?? []).map((item) => parseScalar(item, lineNumber))
  }
  if (/^[&*!|>{]/.test(text)) throw new Error(`line ${lineNumber}: unsupported YAML (${text.slice(0, 20)})`)
  if (text === 'true' || text === 'false') return text === 'true'
  if (text === 'null' || text === '~' || text === '') return null
  if (/^-?(0|[1-9][0-9]*)$/.test(text)) return Number(text)
  return text
}

function parseBlock(lines: Line[], start: number, indent: number): [YamlValue, number] {
  const first = lines[start]!
  if (first.text.startsWith('- ') || first.text === '-') {
    const items: YamlValue[] = []
    let i = start
    while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('-')) {
      const item = lines[i]!.text.slice(1).trim()
      if (/^[^"'[\s][^:]*:(\s|$)/.test(item)) throw new Error(`line ${lines[i]!.number}: mappings inside sequences are not supported`)
      items.push(parseScalar(item, lines[i]!.number))
      i++
    }
    return [items, i]
  }
  const map: Record<string, YamlValue> = {}
  let i = start
  while (i < lines.length && lines[i]!.indent === indent) {
    const line = lines[i]!
    const match = /^("[^"]*"|'[^']*'|[^:\s][^:]*?):(\s+(.*))?$/.exec(line.text)
    if (match === null) throw new Error(`line ${line.number}: expected "key: value"`)
    const key = String(parseScalar(match[1]!, line.number))
    if (key in map) throw new Error(`line ${line.number}: duplicate key ${key}`)
    const rest = match[3]
    i++
    if (rest !== undefined && rest !== '') {
      map[key] = parseScalar(rest, line.number)
    } else if (i < lines.length && lines[i]!.indent > indent) {
      const [value, next] = parseBlock(lines, i, lines[i]!.indent)
      map[key] = value
      i = next
    } else {
      map[key] = null
    }
  }
  return [map, i]
}

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = []
  source.split('\n').forEach((raw, index) => {
    if (raw.includes('\t')) throw new Error(`line ${index + 1}: tabs are not allowed in YAML indentation`)
    const text = stripComment(raw)
    if (text.trim() === '' || text.trim() === '---') return
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim(), number: index + 1 })
  })
  if (lines.length === 0) return null
  const [value, next] = parseBlock(lines, 0, lines[0]!.indent)
  if (next < lines.length) throw new Error(`line ${lines[next]!.number}: unexpected indentation`)
  return value
}
