import t, { type Test } from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createMember, createOpenCall, signInAs } from '../../fixtures/factories.js'
import { paths } from '../../../src/lib/paths.js'
import type { Member } from '../../../src/db/database.js'

const REL = 'rel="nofollow noopener noreferrer"'
const PAYLOADS = '<script>window.__xss=1</script> <img src=x onerror="window.__xss=1"> [click](javascript:window.__xss=1) ![pixel](http://evil.example/p.png)'

/** The page's own content, without the site's header and footer. */
const main = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'))

/** No markup a person wrote got into the page as markup. */
function inert (t: Test, page: string, where: string) {
  const body = main(page)
  t.notMatch(body, '<script>window.__xss', `${where}: the script is text`)
  t.notMatch(body, /<img\b/i, `${where}: no image`)
  t.notMatch(body, /href="javascript:/i, `${where}: no javascript: link`)
  t.notMatch(body, 'evil.example', `${where}: the image address is not in the page`)
  t.match(body, '&lt;script&gt;window.__xss=1&lt;/script&gt;', `${where}: the script is shown as text`)
}

t.test('Markdown in proposals and bios: rendered, sanitised, hidden in blind review', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@orga.gov' })
  const ada = await createMember(db, { full_name: 'Ada Lovelace', agency: 'Falcon County Crime Lab', email: 'ada@falconlab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada] })
  const { call, template: experience } = await createOpenCall(db, community, orga)
  const p = await db.insertInto('proposals').values({
    call_id: call.id, submitter_id: ada.id, template_id: experience.id, title: 'Halving a **backlog**', format: 'talk', topic: null,
    answers: JSON.stringify({
      problem: `We had a **backlog** of _1,400_ kits; see [the audit](https://audit.example.gov/report).\n\n# A heading\n\n${PAYLOADS}`,
      tried: 'I am **Ada** Lovelace.\n\nOf **Falcon County** Crime Lab.\n\nMore at [Ada’s notes](https://notes.example.org/ada-lovelace) and [the lab](https://falcon.example/Falcon%20County%20Crime%20Lab).',
      happened: 'Write to [me](mailto:ada@falconlab.gov). 1. ok',
      reuse: '- a table\n- a checklist',
      why: 'Every lab **must** re-validate.',
      pitch: 'How we **halved** it.'
    }),
    identifying: [], bio: `Ada leads the **DNA unit**. ${PAYLOADS}`, affiliation: 'government', pledged_at: new Date(), first_time: false,
    state: 'submitted', submitted_at: new Date()
  }).returningAll().executeTakeFirstOrThrow()

  const as = async (m: Member) => {
    const c = new Client(app)
    await signInAs(c, m)
    return c
  }
  const speaker = await as(ada)
  const organizer = await as(orga)

  await t.test('the proposal page renders the long answers and the bio as Markdown; short fields stay plain', async (t) => {
    for (const [who, client] of [['speaker', speaker], ['organizer', organizer]] as const) {
      const res = await client.get(paths.proposal('dna', call.id, p.id))
      t.equal(res.statusCode, 200, who)
      t.match(res.body, '<strong>backlog</strong> of <em>1,400</em> kits', `${who}: emphasis`)
      t.match(res.body, `<a href="https://audit.example.gov/report" ${REL}>the audit</a>`, `${who}: a link with rel`)
      t.match(res.body, '<p class="convene-md-heading"><strong>A heading</strong></p>', `${who}: a heading is a bold paragraph`)
      t.match(res.body, '<ul>\n<li>a table</li>', `${who}: a list`)
      t.match(res.body, 'Ada leads the <strong>DNA unit</strong>', `${who}: the bio`)
      t.match(res.body, '<h1>Halving a **backlog**</h1>', `${who}: the title is plain text`)
      t.match(text(res.body), 'How we **halved** it.', `${who}: the elevator pitch is plain text`)
      t.match(text(res.body), 'Every lab **must** re-validate.', `${who}: the "why this matters" line is plain text`)
      t.match(text(res.body), 'pixel', `${who}: an image shows its alt text`)
      inert(t, res.body, who)
    }
  })

  await t.test('the proposal form says Markdown is allowed under the long fields and the bio', async (t) => {
    const res = await speaker.get(paths.proposalAction('dna', call.id, p.id, 'edit'))
    t.equal(res.statusCode, 200)
    t.match(res.body, 'id="answer_problem-markdown"')
    t.notMatch(res.body, 'id="answer_pitch-markdown"', 'not under the elevator pitch')
    t.match(text(res.body), 'Markdown allowed: **bold**, _italic_, [links](https://…), lists. Images and HTML are not shown.')
    t.match(res.body, /aria-describedby="[^"]*answer_problem-markdown/)
  })

  await t.test('blind review: phrases are hidden inside bold text, link text and link addresses', async (t) => {
    const res = await organizer.get(`${paths.call('dna', call.id)}/review/${p.id}`)
    t.equal(res.statusCode, 200)
    t.notMatch(main(res.body), /Ada|Lovelace|Falcon|falconlab/i, 'nothing names the speaker, not even a link address')
    t.match(res.body, '<strong>[hidden]</strong> [hidden]', 'a name inside bold is hidden and the bold kept')
    t.notMatch(res.body, 'notes.example.org', 'a link whose address names the speaker is shown as its text')
    t.match(text(res.body), 'Of [hidden].', 'a phrase split by Markdown is hidden (that paragraph loses its formatting)')
    t.match(text(res.body), '[hidden]’s notes (link [hidden]) and the lab (link [hidden])', 'a percent-encoded phrase in an address is found')
    t.match(res.body, '<strong>backlog</strong> of <em>1,400</em> kits', 'the rest is still Markdown')
    t.match(res.body, `<a href="https://audit.example.gov/report" ${REL}>the audit</a>`)
    inert(t, res.body, 'review page')
  })

  await t.test('with blind review off the reviewer sees the Markdown and the links as written', async (t) => {
    await db.updateTable('calls').set({ blind_review: false }).where('id', '=', call.id).execute()
    const res = await organizer.get(`${paths.call('dna', call.id)}/review/${p.id}`)
    t.match(res.body, `<a href="https://notes.example.org/ada-lovelace" ${REL}>Ada’s notes</a>`)
    t.match(res.body, 'Of <strong>Falcon County</strong> Crime Lab')
    t.match(res.body, 'Ada leads the <strong>DNA unit</strong>')
    inert(t, res.body, 'review page, not blind')
  })

  await t.test('the review export keeps the plain source text', async (t) => {
    const csv = await organizer.get(`/c/dna/orga/calls/${call.id}/reviews.csv`)
    t.equal(csv.statusCode, 200)
    t.match(csv.body, 'Halving a **backlog**', 'the title as written')
    t.notMatch(csv.body, /<strong>|<a /, 'no HTML in the export')
  })

  await t.test('a member’s bio on their profile is Markdown, sanitised', async (t) => {
    await db.updateTable('members').set({ bio: `I run the **DNA unit**; see [our lab](https://lab.example.gov).\n\n## About me\n\n${PAYLOADS}` }).where('id', '=', ada.id).execute()
    const res = await organizer.get(`/members/${ada.id}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'I run the <strong>DNA unit</strong>')
    t.match(res.body, `<a href="https://lab.example.gov" ${REL}>our lab</a>`)
    t.notMatch(res.body, /<h[3-6]>About me/, 'the bio’s heading does not enter the page outline')
    inert(t, res.body, 'member page')
    const form = await speaker.get('/profile')
    t.match(text(form.body), 'Markdown allowed: **bold**')
  })
})
