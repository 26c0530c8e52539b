import { isIP } from 'node:net'

/**
 * The network an address belongs to, not the address: an IPv4 /24 (`203.0.113.0/24`) or an IPv6
 * /48 (`2001:db8:1::/48`). Enough for a user to tell "my home" from "another country", and not
 * enough to single out one subscriber, so the activity list and its log lines hold no full IP.
 * IPv4-mapped IPv6 (`::ffff:203.0.113.7`) is treated as the IPv4 address it carries.
 */
export function coarseIp(address: string | undefined): string | undefined {
  if (address === undefined) return undefined
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  const ip = mapped?.[1] ?? address
  const version = isIP(ip)
  if (version === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`
  if (version !== 6) return undefined
  const [head = '', tail = ''] = ip.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : []
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left
  const prefix = groups.slice(0, 3).map((group) => (group.includes('.') ? '0' : Number.parseInt(group, 16).toString(16)))
  return `${prefix.join(':')}::/48`
}
