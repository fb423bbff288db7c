import MarkdownIt from 'markdown-it'
import type Token from 'markdown-it/lib/token.mjs'
import sanitizeHtml from 'sanitize-html'

/*
 * Markdown in what speakers write (a proposal's long answers, a member's bio), rendered to HTML that is safe to
 * write into a page. Two locks, either of which would hold alone:
 *   1. markdown-it with `html: false` (raw HTML in the text is shown as text), links only to http(s) and mailto,
 *      images shown as their alt text (no picture is fetched from another site: a tracking pixel would tell its
 *      owner who read the proposal and when), headings shown as bold paragraphs (the field is shown under the
 *      page's own h2 on one page and deeper on another: any fixed level would break some page's outline);
 *   2. sanitize-html on the output with an allow-list of tags, attributes, classes and URL schemes.
 * Every link gets rel="nofollow noopener noreferrer" and opens in the same tab.
 */

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true })

const ALLOWED_LINK = /^(?:https?:\/\/|mailto:)/i
// What markdown-it lets through is checked once more by the sanitiser; here links are narrowed to what a proposal
// needs, so that `[a](java&#x09;script:…)` or a relative path is shown as the text it is.
md.validateLink = (url: string) => ALLOWED_LINK.test(url.trim())

md.renderer.rules.image = (tokens, idx, options, env, self) =>
  md.utils.escapeHtml(self.renderInlineAsText(tokens[idx].children ?? [], options, env))
md.renderer.rules.heading_open = () => '<p class="convene-md-heading"><strong>'
md.renderer.rules.heading_close = () => '</strong></p>\n'
md.renderer.rules.table_open = () => '<div class="convene-md-table"><table class="usa-table usa-table--borderless">\n'
md.renderer.rules.table_close = () => '</table></div>\n'

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'a',
    'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td'
  ],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedClasses: {
    p: ['convene-md-heading'],
    div: ['convene-md', 'convene-md-table'],
    table: ['usa-table', 'usa-table--borderless']
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...(attribs.href && ALLOWED_LINK.test(attribs.href) ? { href: attribs.href } : {}), rel: 'nofollow noopener noreferrer' }
    })
  }
}

/** Said under every textarea whose text is shown as Markdown. */
export const MARKDOWN_HINT = 'Markdown allowed: **bold**, _italic_, [links](https://…), lists. Images and HTML are not shown.'

export interface RenderOptions {
  /**
   * Hides words in the text (blind review: the speaker's name, agency, email). Applied to every piece of text
   * after parsing, and to a paragraph's text as a whole: a phrase split by Markdown (`**Acme** Agency`) turns
   * that paragraph into plain text with the phrase hidden. A link whose address would reveal a phrase loses
   * its address and keeps its (hidden) text.
   */
  hide?: (text: string) => string
  /** What `hide` writes in place of what it hides: a link whose address holds it is shown as its text alone. */
  mark?: string
}

/** `text` (Markdown) as safe HTML in a `<div class="convene-md">`; '' for empty text. */
export function renderMarkdown (text: string | null | undefined, options: RenderOptions | undefined = {}): string {
  if (!text || !text.trim()) return ''
  const env = {}
  const tokens = md.parse(text, env)
  if (options.hide) hideInTokens(tokens, options.hide, options.mark)
  const html = md.renderer.render(tokens, md.options, env)
  return sanitizeHtml(`<div class="convene-md">${html}</div>`, SANITIZE)
}

function hideInTokens (tokens: Token[], hide: (text: string) => string, mark: string | undefined): void {
  for (const t of tokens) {
    if (t.type === 'code_block' || t.type === 'fence') t.content = hide(t.content)
    if (t.type === 'inline' && t.children) hideInline(t, hide, mark)
  }
}

function hideInline (inline: Token, hide: (text: string) => string, mark: string | undefined): void {
  const children = inline.children as Token[]
  hideEach(children, hide, mark)
  const plain = plainText(children)
  if (hide(plain) !== plain) {
    // A phrase spans pieces (emphasis, a link's edge): give up the formatting of this paragraph to hide it.
    inline.children = [textToken(inline, hide(plain))]
  }
}

function hideEach (children: Token[], hide: (text: string) => string, mark: string | undefined): void {
  for (let i = 0; i < children.length; i++) {
    const t = children[i]
    if (t.type === 'text' || t.type === 'code_inline') t.content = hide(t.content)
    if (t.type === 'image' && t.children) hideEach(t.children, hide, mark)
    if (t.type === 'link_open') {
      const href = t.attrGet('href') ?? ''
      let decoded = href
      try { decoded = decodeURIComponent(href) } catch { /* a malformed escape: check it as written */ }
      if (hide(decoded) !== decoded || hide(href) !== href || (mark && decoded.includes(mark))) {
        const close = children.findIndex((c, j) => j > i && c.type === 'link_close')
        // The link's text stays, as text, and says that an address was hidden.
        children[i] = textToken(t, '')
        if (close > 0) children[close] = textToken(t, mark ? ` (link ${mark})` : '')
      }
    }
  }
}

function textToken (like: Token, content: string): Token {
  const t = new (like.constructor as typeof Token)('text', '', 0)
  t.content = content
  return t
}

function plainText (children: Token[]): string {
  return children.map((t) => {
    if (t.type === 'text' || t.type === 'code_inline') return t.content
    if (t.type === 'softbreak' || t.type === 'hardbreak') return '\n'
    if (t.type === 'image') return plainText(t.children ?? [])
    return ''
  }).join('')
}
