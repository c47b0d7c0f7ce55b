/**
 * Compiles the PCRE patterns of the Plan's maps to JavaScript regular
 * expressions. nginx matches map regexes with PCRE on bytes. The Plan
 * generates only anchors, literals, escaped punctuation, character classes,
 * groups `(?:...)`, alternation and the usual quantifiers. These mean the same
 * in both engines for the ASCII values they meet here (cookie values and
 * $upstream_addr).
 *
 * NOTE: constructs whose meaning differs are rejected rather than translated:
 * \A \Z \z \G \Q \E \h \R, possessive quantifiers, atomic groups, inline
 * flags, recursion, conditionals and POSIX classes. PCRE's `$` also matches
 * before a final newline, which JavaScript's does not; header values cannot
 * end in a newline, so that difference never shows for these sources.
 */

const unsupported: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\\[AZzGQEhRK]/, what: 'a PCRE-only escape' },
  { pattern: /[*+?}]\+/, what: 'a possessive quantifier' },
  { pattern: /\(\?>/, what: 'an atomic group' },
  { pattern: /\(\?[a-zA-Z-]+[):]/, what: 'inline flags' },
  { pattern: /\(\?(?:R|\d|\(|&|P>)/, what: 'recursion or a conditional' },
  { pattern: /\[\[:/, what: 'a POSIX character class' },
];

/** Compiles a map regex, case-sensitive (`~`) or not (`~*`); raises an Error naming the construct it cannot match as PCRE does. */
export function compilePcre(pattern: string, caseless = false): RegExp {
  for (const { pattern: check, what } of unsupported) {
    if (check.test(pattern)) throw new Error(`map regex "${pattern}" uses ${what}, which the proxy core cannot match exactly as PCRE does`);
  }
  return new RegExp(pattern, caseless ? 'i' : '');
}
