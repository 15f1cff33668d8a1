// Package filter matches network requests against Adblock Plus network
// filters (the syntax of EasyList and EasyPrivacy). It is pure Go and builds
// for linux and js/wasm.
//
// # Syntax
//
// Supported: "||host^" (host anchor: the host or any subdomain, at a label
// boundary), "|" anchors at either end, "*", "^" (a separator: anything but
// a letter, digit or one of "_-.%", or the end of the URL), plain substrings,
// "/regex/" (Go regexp syntax; lookaround and back-references are reported
// as errors), "@@" exceptions, and the options third-party / ~third-party
// (3p, 1p, first-party), the resource types (script, image, stylesheet,
// xmlhttprequest/xhr, ping/beacon, subdocument/frame, media, font,
// websocket, other, document, object, all) and their negations,
// domain= / from= (with ~exclusions and "example.*" entity entries),
// important, match-case and badfilter. "redirect=" rules block (as in uBO
// and Ghostery; the resource substitution is not applied).
//
// Not applied, counted by kind in Report.Skipped: comments, cosmetic rules
// (##, #@#, #?#, #$#), scriptlets (##+js(), #%#), HTML filters ($$),
// popup, redirect-rule, removeparam, csp, rewrite and every other option
// ("unsupported-option:NAME"). Malformed lines become ParseErrors with the
// list name and 1-based line number.
//
// # Semantics
//
// As in Ghostery's engine (the correctness oracle, see TestGhosteryOracle):
// an exception overrides a block unless the block is important; badfilter
// cancels the identical rule; third party means a different registrable
// domain (eTLD+1, package site); matching is case-insensitive unless
// match-case; with domain=, an excluded source domain wins over included
// ones. A host-anchored pattern made of host characters only ("||ads.com")
// must end at a label boundary, as in Ghostery.
//
// # Index
//
// Rules are grouped by class (important, block, exception) and, within a
// class, reached in three ways. A host-anchored rule whose host part is
// followed by a separator ("||ads.com^", "||x.com/i/jot", most of EasyList
// and EasyPrivacy) is keyed by the hash of that host: Match hashes the URL
// text from each label start of the request host to the next separator and
// probes a table. A rule without a usable token that is restricted to source
// domains (domain=a.com|b.net) is keyed by those domains and found through
// the hashes of the source host's label suffixes. Every other rule is keyed
// by its rarest complete token (a run of [a-z0-9%] bounded by separators or
// anchors, so it appears as a whole token in every URL the rule matches;
// frequencies are counted over the token-indexed rules only); Request hashes
// the URL tokens once (no allocation) and Match probes a bitmap, then an
// open-addressing table, per token. Rules left over (no token, no domain)
// are listed per request type. Each rule also carries one bit of a second
// token (or of a token's 4-byte prefix/suffix) that is tested against a
// 512-bit bloom filter of the request before the pattern is looked at.
//
// # Serialised form
//
// MarshalBinary writes one string blob (patterns, domains and the required
// literals of regex rules) plus fixed size records for rules, index tables
// and bitmaps, with a CRC-32. Load validates every offset (corrupt input
// gives ErrCorrupt, not a panic), copies the tables in bulk and does no
// per-rule parsing; regular expressions are compiled on first use (or by
// Engine.Warm), so a corrupt regex source in a checksum-valid file makes
// that rule never match instead of failing the load.
package filter
