/**
 * The hosted pages' Content-Security-Policy: scripts, styles and fetches from this origin only,
 * no inline script or style, no framing, no form posting elsewhere, no plugins. One definition,
 * so the security-headers plugin (issue 11) can reuse it rather than fight it: it is set per
 * route on the page and asset responses only, and the API keeps whatever policy that plugin sets.
 */
export const PAGE_CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
}

export const PAGE_CSP = Object.entries(PAGE_CSP_DIRECTIVES).map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')

/** Sent with every page and asset. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  // The reset and verification tokens ride in the fragment, which no Referer carries; this
  // keeps even the path from leaking to other sites a user follows a link to.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
}
