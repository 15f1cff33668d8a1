// Package rewrite is a streaming HTML rewriter that works on bytes.
//
// It tokenizes HTML following the states of the WHATWG tokenizer that matter
// for finding where tags, comments and raw text begin and end, and it copies
// every byte it does not change verbatim, whatever the charset (it only looks
// at ASCII syntax, so windows-1252, UTF-8 and Shift_JIS pages are safe).
//
// A Handler sees every start tag (StartTag) and decides: Keep it, Remove the
// element (start tag, content, end tag), RemoveTag (only the start tag),
// Replace the element with other bytes, or Inspect its content, in which case
// the content is buffered (up to Options.MaxContent) and Content is called at
// the end tag with the same choices.
//
// Memory is bounded: the rewriter holds at most one start tag (up to
// Options.MaxTag; longer tags stream through unchanged and are not shown to
// the handler) and, for an element being inspected or removed, its content (up
// to Options.MaxContent; past it the start tag and content are flushed and the
// element is kept). Output never depends on how the input is split into Write
// calls.
//
// Tokenizer choices (documented where they differ from a browser):
//   - script content follows the script data states, including the
//     "<!--" escaped and "<!--<script>" double-escaped states, so
//     "<!--<script></script>-->" inside a script does not end it;
//   - style, xmp, iframe, noembed and noframes are raw text; title and
//     textarea are RCDATA (entities are never decoded anyway); plaintext runs
//     to the end of the input;
//   - noscript is parsed as markup (as a browser with scripting disabled
//     does), so the elements it contains (tracking pixels) reach StartTag;
//   - foreign content is tracked with a small stack: inside <svg> and <math>,
//     script/style/title are not raw text, "<![CDATA[" sections are
//     recognised, and self-closing tags are honoured; foreignObject, desc and
//     title (svg) and mi/mo/mn/ms/mtext (math) are HTML integration points,
//     and the usual HTML elements (div, p, img, ...) break out of foreign
//     content. annotation-xml is not treated as an integration point;
//   - tags left unclosed at the end of the input are flushed verbatim (a
//     browser would drop them);
//   - Remove on an element other than script is buffered: if its end tag is
//     not found within MaxContent bytes (or before EOF) the element is kept
//     (fail-open), so a missing end tag never swallows the page. Matching end
//     tags are found by counting nested elements with the same name.
//
// Injection (Options.Inject) is placed right after the first <head> start
// tag; if an element other than <html> comes first (a document without
// <head>, or whose head is implied), it is placed just before that element,
// so that it still runs before any script of the implied head; a document
// without any element gets it at the end. The <head> that receives the
// injection is always kept (Remove, Replace and Inspect on it act as Keep).
// The injection lands before a <meta charset> that follows <head>: keep it
// small and ASCII, and let the HTTP Content-Type carry the charset.
package rewrite
