import t from 'tap'
import { flat } from '../../../src/lib/overrides/flat-string.js'

// src/lib/overrides/flat-string.ts: a kept fragment copied into one flat string must keep its text exactly.

t.test('the text is unchanged', async (t) => {
  let rope = ''
  for (let i = 0; i < 2000; i++) rope += `<li>Member ${i}, Agency — “café” 👩🏽‍🔬</li>`
  t.equal(flat(rope), rope, 'a string built by many concatenations, with accents, quotes and emoji')
  t.equal(flat(''), '')
  t.equal(flat('\u0000<\r\n>'), '\u0000<\r\n>')
  // The one text it does not keep, which no page produces (request bodies are decoded from UTF-8).
  t.equal(flat('\ud800'), '\ufffd', 'a lone surrogate becomes U+FFFD')
})
