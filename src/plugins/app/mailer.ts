import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Eta } from 'eta'
import { subjectLine, type ComposedMail, type Mailer, type MailSite } from '../../domain/mail/mailer.js'
import * as format from '../../lib/format.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import { viewsDir } from '../external/view.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Writes mail from views/emails/ with this app's site (public URL, MAIL_FROM, secret). */
    mailer: Mailer
    /** This app's site (public URL, MAIL_FROM, secret), read at each use: for calendar files and feed links. */
    site: MailSite
  }
}

export interface MailerOptions {
  /** Keep compiled templates (off in development, so an edited template shows at once). */
  cache?: boolean
}

/*
 * Each mail is a folder views/emails/<name>/ with subject.eta, text.eta and html.eta; the HTML part is laid out
 * by views/emails/_layout.eta. Subject and text are plain text: rendered without HTML escaping (what a member
 * typed must reach them as typed) and not trimmed, so a text template's line breaks are the mail's: a line
 * holding only a control tag ends it with `-%>`, which drops that line's break. The HTML part escapes every
 * `<%= %>`.
 */

/**
 * A Mailer over eta templates. `site` is asked at each mail, not kept: a test (or the browser harness) may
 * change the app's PUBLIC_URL after building it. Each app makes its own, so two apps in one process each
 * write with their own configuration.
 */
export function createMailer (site: () => MailSite, opts: MailerOptions = {}): Mailer {
  const cache = opts.cache ?? true
  const plain = new Eta({ views: viewsDir, autoEscape: false, autoTrim: false, cache })
  const html = new Eta({ views: viewsDir, autoEscape: true, autoTrim: [false, 'nl'], cache })
  return {
    get site () { return site() },
    compose (template: string, data: Record<string, unknown>): ComposedMail {
      // The layout receives the rendered HTML part as `it.body` (eta's layouts): a data value of that name would
      // replace the whole mail, unescaped.
      if ('body' in data) throw new Error(`mail "${template}": its data may not have a key named "body" (the layout's); name it "message"`)
      const s = site()
      // Templates see the public URL, never the secret (signed links reach them as tokens).
      const it = { ...data, site: { publicUrl: s.publicUrl }, paths, fmt: format, url: (path: string) => absoluteUrl(s.publicUrl, path) }
      const dir = `/emails/${template}/`
      // One line, whatever the template's or the data's line breaks: a header cannot hold a new line.
      const subject = subjectLine(plain.render(dir + 'subject', it))
      return { subject, text: plain.render(dir + 'text', it), html: html.render(dir + 'html', { ...it, subject }) }
    }
  }
}

/** The site of this app's configuration, read at each call (tests change PUBLIC_URL after building). */
export function mailSite (app: FastifyInstance): MailSite {
  return { publicUrl: app.config.PUBLIC_URL, mailFrom: app.config.MAIL_FROM, secret: app.secret }
}

/** Decorates `app.mailer` and `app.site`: the domain's mail and calendars are written with this app's configuration. */
export default fp(async (app) => {
  app.decorate('site', { getter: () => mailSite(app) })
  app.decorate('mailer', createMailer(() => mailSite(app), { cache: app.config.NODE_ENV !== 'development' }))
}, { name: 'mailer', dependencies: ['config', 'secret'] })
