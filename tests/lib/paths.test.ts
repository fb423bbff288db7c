import t from 'tap'
import { absoluteUrl, paths } from '../../src/lib/paths.js'

t.test('paths are the routes’ URLs', async (t) => {
  t.equal(paths.home(), '/')
  t.equal(paths.community('dna'), '/c/dna')
  t.equal(paths.events('dna'), '/c/dna/events')
  t.equal(paths.events('dna', { when: 'past', after: undefined }), '/c/dna/events?when=past', 'undefined query values are left out')
  t.equal(paths.eventPage('dna', 12), '/c/dna/events/12')
  t.equal(paths.eventAddTo('dna', 12, 'outlook-com'), '/c/dna/events/12/add/outlook-com')
  t.equal(paths.orgaEventEdit('dna', 12), '/c/dna/orga/events/12/edit')
  t.equal(paths.orgaEvent('dna', 12, 'attendees.csv'), '/c/dna/orga/events/12/attendees.csv')
  t.equal(paths.orgaSeriesAction('dna', 3, 'move-occurrence'), '/c/dna/orga/series/3/move-occurrence')
  t.equal(paths.orgaRequests('dna'), '/c/dna/orga/requests')
  t.equal(paths.orgaRequest('dna', 4, 'approve'), '/c/dna/orga/requests/4/approve')
  t.equal(paths.orgaOrganizers('dna'), '/c/dna/orga/organizers')
  t.equal(paths.member(7), '/members/7')
  t.equal(paths.rsvpLink('12.34.going.0.abc_-'), '/rsvp/12.34.going.0.abc_-')
  t.equal(paths.feedMine('tok'), '/feeds/tok.ics')
  t.equal(paths.feedAll('tok'), '/feeds/tok/all.ics')
  t.equal(paths.feedCommunity('tok', 'dna'), '/feeds/tok/c/dna.ics')
  t.equal(paths.devMailbox(), '/dev/mailbox')
  t.equal(paths.devMailbox(1), '/dev/mailbox', 'the first page is the bare URL')
  t.equal(paths.devMailbox(3), '/dev/mailbox?page=3')
})

t.test('sign-in keeps the way back, except to the home page', async (t) => {
  t.equal(paths.signIn(), '/sign-in')
  t.equal(paths.signIn('/'), '/sign-in')
  t.equal(paths.signIn('/c/dna/events/3?x=1&y=2'), '/sign-in?next=%2Fc%2Fdna%2Fevents%2F3%3Fx%3D1%26y%3D2')
  t.equal(paths.signInToken('a-b_c'), '/auth/sign-in?token=a-b_c')
  t.equal(paths.signInToken('tok', '/c/dna'), '/auth/sign-in?token=tok&next=%2Fc%2Fdna')
  t.equal(paths.signInToken(), '/auth/sign-in', 'without a token: the form’s action')
  t.equal(paths.joinVerify('tok'), '/join/verify?token=tok')
  t.equal(paths.invitationAccept('t+k/='), '/invitations/accept?token=t%2Bk%2F%3D')
})

t.test('a segment cannot break out of its place', async (t) => {
  t.equal(paths.community('a/../admin'), '/c/a%2F..%2Fadmin')
  t.equal(paths.eventPage('dna', '1?x=<script>'), '/c/dna/events/1%3Fx%3D%3Cscript%3E')
  t.equal(paths.members('dna', { q: 'O’Neil & co', page: 2 }), '/c/dna/members?q=O%E2%80%99Neil%20%26%20co&page=2')
})

t.test('absoluteUrl puts the public URL in front, with or without its trailing slash', async (t) => {
  t.equal(absoluteUrl('https://convene.example', paths.eventPage('dna', 1)), 'https://convene.example/c/dna/events/1')
  t.equal(absoluteUrl('https://convene.example/', '/sign-in'), 'https://convene.example/sign-in')
  t.equal(absoluteUrl('http://localhost:3000//', '/'), 'http://localhost:3000/')
})
