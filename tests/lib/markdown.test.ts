import t, { type Test } from 'tap'
import { renderMarkdown } from '../../src/lib/markdown.js'
import { hidePhrases, hideWords } from '../../src/domain/proposals/reviews.service.js'

const REL = 'rel="nofollow noopener noreferrer"'

/** Every tag and attribute in the output, to compare against the allow-list. */
function tagsAndAttributes (html: string): { tags: Set<string>, attributes: Set<string> } {
  const tags = new Set<string>()
  const attributes = new Set<string>()
  for (const m of html.matchAll(/<([a-z0-9]+)([^>]*)>/gi)) {
    tags.add(m[1].toLowerCase())
    for (const a of m[2].matchAll(/\s([a-z-]+)="/gi)) attributes.add(`${m[1].toLowerCase()}[${a[1].toLowerCase()}]`)
  }
  return { tags, attributes }
}

const ALLOWED_TAGS = new Set(['div', 'p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'])
const ALLOWED_ATTRIBUTES = new Set(['a[href]', 'a[rel]', 'ol[start]', 'div[class]', 'p[class]', 'table[class]'])

function assertAllowed (t: Test, html: string, what: string) {
  const { tags, attributes } = tagsAndAttributes(html)
  t.same([...tags].filter((x) => !ALLOWED_TAGS.has(x)), [], `${what}: only allowed tags`)
  t.same([...attributes].filter((x) => !ALLOWED_ATTRIBUTES.has(x)), [], `${what}: only allowed attributes`)
  t.notMatch(html, /<(script|img|svg|iframe|style|object|embed|form|input|h[1-6])\b/i, `${what}: no dangerous or heading tag`)
  t.notMatch(html, /<[^>]*\son[a-z]+\s*=/i, `${what}: no on* attribute`)
  t.notMatch(html, /<a\s[^>]*href="(?!https?:\/\/|mailto:)/i, `${what}: every link is http(s) or mailto`)
}

t.test('normal Markdown renders', async (t) => {
  const html = renderMarkdown([
    'Some **bold**, _italic_ and ~~struck~~ text with `code`.',
    '',
    '- one',
    '- two',
    '',
    '3. third',
    '4. fourth',
    '',
    '> a quote',
    '',
    '```',
    'const x = 1 < 2',
    '```',
    '',
    '| Lab | Days |',
    '|-----|-----:|',
    '| A   | 95   |',
    '',
    'See [the report](https://example.gov/report?a=1&b=2).',
    'Second line of the same paragraph.'
  ].join('\n'))
  t.match(html, /^<div class="convene-md">/)
  t.match(html, '<strong>bold</strong>')
  t.match(html, '<em>italic</em>')
  t.match(html, '<s>struck</s>')
  t.match(html, '<code>code</code>')
  t.match(html, '<ul>\n<li>one</li>')
  t.match(html, '<ol start="3">')
  t.match(html, '<blockquote>')
  t.match(html, '<pre><code>const x = 1 &lt; 2')
  t.match(html, '<div class="convene-md-table"><table class="usa-table usa-table--borderless">')
  t.match(html, '<th>Days</th>', 'alignment styles are dropped')
  t.match(html, `<a href="https://example.gov/report?a=1&amp;b=2" ${REL}>the report</a>`)
  t.match(html, 'report</a>.<br />\nSecond line', 'a single line break stays a line break')
  t.notMatch(html, /target=/, 'links open in the same tab')
  assertAllowed(t, html, 'normal Markdown')
})

t.test('empty text renders nothing', async (t) => {
  t.equal(renderMarkdown(''), '')
  t.equal(renderMarkdown('   \n  '), '')
  t.equal(renderMarkdown(null), '')
})

t.test('headings are demoted to bold paragraphs', async (t) => {
  const html = renderMarkdown('# Big\n\n## Smaller\n\n###### Tiny\n\nSetext\n======')
  t.notMatch(html, /<h[1-6]/)
  t.match(html, '<p class="convene-md-heading"><strong>Big</strong></p>')
  t.match(html, '<p class="convene-md-heading"><strong>Tiny</strong></p>')
  t.match(html, '<p class="convene-md-heading"><strong>Setext</strong></p>')
})

t.test('raw HTML is shown as text, never as markup', async (t) => {
  const payloads = [
    '<script>window.__xss=1</script>',
    '<img src=x onerror="window.__xss=1">',
    '<img src="http://evil.example/x.png">',
    '"><svg onload=window.__xss=1>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<div onclick="alert(1)">x</div>',
    '<style>body{display:none}</style>',
    '<!-- comment --><b>bold?</b>',
    '<details open ontoggle=alert(1)>',
    '<svg><script>alert(1)</script></svg>'
  ]
  for (const p of payloads) {
    const html = renderMarkdown(p)
    assertAllowed(t, html, p)
    t.notMatch(html, /<(script|img|svg|iframe|style|details|b)\b/i, `${p}: not markup`)
  }
  t.match(renderMarkdown('<script>window.__xss=1</script>'), '&lt;script&gt;window.__xss=1&lt;/script&gt;', 'shown as the text it is')
  t.match(renderMarkdown('<img src=x onerror="window.__xss=1">'), '&lt;img src=x onerror="window.__xss=1"&gt;')
})

t.test('links: only http(s) and mailto, with rel, in the same tab', async (t) => {
  const bad = [
    '[a](javascript:alert(1))',
    '[a](JAVASCRIPT:alert(1))',
    '[a](  javascript:alert(1))',
    '[a](java&#x09;script:alert(1))',
    '[a](java&#9;script:alert(1))',
    '[a](&#106;avascript:alert(1))',
    '[a](javascript&#58;alert(1))',
    '[a](<javascript:alert(1)>)',
    '[a](vbscript:msgbox(1))',
    '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[a](file:///etc/passwd)',
    '[a](/relative/path)',
    '[a](//evil.example/x)',
    '<javascript:alert(1)>',
    '<data:text/html,hi>',
    '[a][ref]\n\n[ref]: javascript:alert(1)',
    'javascript:window.__xss=1'
  ]
  for (const p of bad) {
    const html = renderMarkdown(p)
    t.notMatch(html, /<a\b/, `${p}: no link`)
    assertAllowed(t, html, p)
  }
  const good = renderMarkdown('[site](https://example.gov) [mail](mailto:ada@example.gov) [plain](http://example.org)')
  t.equal((good.match(new RegExp(`<a href="[^"]+" ${REL}>`, 'g')) ?? []).length, 3, 'three links, each with rel')
  t.match(renderMarkdown('[x](https://example.gov "title onmouseover=alert(1)")'), `<a href="https://example.gov" ${REL}>x</a>`, 'the title attribute is dropped')
})

t.test('autolinks and bare addresses become safe links', async (t) => {
  const html = renderMarkdown('<https://example.gov/a> and www.example.org and ada@example.gov')
  t.match(html, `<a href="https://example.gov/a" ${REL}>https://example.gov/a</a>`)
  t.match(html, `<a href="http://www.example.org" ${REL}>www.example.org</a>`)
  t.match(html, `<a href="mailto:ada@example.gov" ${REL}>ada@example.gov</a>`)
})

t.test('images are never loaded: their alt text is shown', async (t) => {
  for (const p of ['![a chart](http://evil.example/x.png)', '![a chart][i]\n\n[i]: https://evil.example/x.png', '[![a chart](https://evil.example/x.png)](https://example.gov)']) {
    const html = renderMarkdown(p)
    t.notMatch(html, /<img/i, p)
    t.notMatch(html, /evil\.example/, `${p}: the image address is not in the page`)
    t.match(html, 'a chart', `${p}: alt text shown`)
  }
  t.match(renderMarkdown('![<script>x</script>](https://evil.example/x.png)'), '&lt;script&gt;x&lt;/script&gt;', 'alt text is escaped')
})

t.test('template syntax stays text', async (t) => {
  t.match(renderMarkdown('{{7*7}}'), '<p>{{7*7}}</p>')
  t.match(renderMarkdown('<%= 7*7 %>'), '<p>&lt;%= 7*7 %&gt;</p>')
})

t.test('hiding words (blind review) reaches into formatting, entities and links', async (t) => {
  const phrases = ['Acme Agency', 'ada@acme.gov']
  const names = ['Ada', 'Lovelace']
  const hide = (s: string) => hideWords(hidePhrases(s, phrases), names)
  const cases = [
    'I am **Ada** Lovelace.',
    'From **Acme** Agency.',
    'From Acme&#32;Agency.',
    'I am &#65;da.',
    '[my blog](https://blog.example/ada-lovelace)',
    '[my blog](https://blog.example/Ada%20Lovelace)',
    '[Ada’s blog](https://example.org)',
    '<https://acme-agency.example/ada>',
    'Write to ada@acme.gov',
    '`Lovelace`',
    '![Ada at work](https://x.example/a.png)',
    '# Ada Lovelace',
    '```\nAda\n```'
  ]
  for (const c of cases) {
    const html = renderMarkdown(hide(c), { hide, mark: '[hidden]' })
    t.notMatch(html, /ada|lovelace|acme agency/i, `${c}: hidden`)
    t.match(html, '[hidden]', `${c}: the reader sees something was hidden`)
  }
  const kept = renderMarkdown('**Ada** presented [here](https://example.org).', { hide, mark: '[hidden]' })
  t.match(kept, `<a href="https://example.org" ${REL}>here</a>`, 'a link that reveals nothing stays')
  t.match(kept, '<strong>[hidden]</strong>', 'formatting stays where the hidden word was a piece of its own')
})
