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
// Compile picks for every rule its rarest complete token (a run of
// [a-z0-9%] bounded by separators or anchors, so it appears as a whole token
// in every URL the rule matches) and groups rules by token hash. Request
// hashes the URL tokens once (no allocation); Match probes a bitmap, then an
// open-addressing table, per token and checks the rules of the buckets
// found. Each rule also carries one bit of a second token (or of a token's
// 4-byte prefix/suffix) that is tested against a 512-bit bloom filter of the
// request before the pattern is looked at.
//
// # Serialised form
//
// MarshalBinary writes one string blob (patterns and domains) plus fixed
// size records for rules and index arrays, with a CRC-32; Load rebuilds the
// engine with a few allocations, compiles the (few) regex rules and
// validates every offset, so corrupt input gives ErrCorrupt, not a panic.
package filter
