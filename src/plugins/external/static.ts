import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { projectRoot as root } from '../../lib/project-root.js'

const publicDir = path.join(root, 'public')
const uswds = path.join(root, 'node_modules/@uswds/uswds/dist')

/** A fingerprinted name never changes content: browsers and proxies may keep it for a year without asking. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** The plain names (old pages, a stylesheet's fonts and images) are checked again after an hour. */
export const SHORT = 'public, max-age=3600'

/** The files the layout links: each also served under a name that carries a hash of its content. */
const LINKED: Array<[url: string, file: string]> = [
  ['/uswds/css/uswds.min.css', path.join(uswds, 'css/uswds.min.css')],
  ['/uswds/js/uswds-init.min.js', path.join(uswds, 'js/uswds-init.min.js')],
  ['/uswds/js/uswds.min.js', path.join(uswds, 'js/uswds.min.js')],
  ['/public/convene.css', path.join(publicDir, 'convene.css')],
  ['/public/convene.js', path.join(publicDir, 'convene.js')],
  ['/public/favicon.svg', path.join(publicDir, 'favicon.svg')]
]

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml'
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The URL to link for a static file: `/uswds/css/uswds.min.css` → `/uswds/css/uswds.min.3f2a…c1.css`
     * (cached for a year, so a changed file gets a new name); any other path is returned as it is.
     */
    assetUrl (url: string): string
  }
}

interface Asset {
  body: Buffer
  type: string
  etag: string
  /** Compressed copies, made on first request (brotli at quality 11 takes seconds on this CPU; 5 takes ~0.1 s). */
  encoded: Map<'br' | 'gzip', Buffer>
}

/** `/a/b.min.css` + `3f2a` → `/a/b.min.3f2a.css`: the hash before the last extension keeps the type and the folder. */
export function fingerprinted (url: string, hash: string): string {
  const ext = path.posix.extname(url)
  return `${url.slice(0, -ext.length)}.${hash}${ext}`
}

/** br if the browser takes it, else gzip, else none (a q=0 refusal counts as not taking it). */
function encodingFor (request: FastifyRequest): 'br' | 'gzip' | null {
  const header = String(request.headers['accept-encoding'] ?? '').toLowerCase()
  const accepted = new Set(header.split(',').map((p) => p.trim().split(';')).filter(([, q]) => !/^\s*q=0(\.0*)?\s*$/.test(q ?? ''))
    .map(([name]) => name.trim()))
  if (accepted.has('br')) return 'br'
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip'
  return null
}

function encode (asset: Asset, encoding: 'br' | 'gzip'): Buffer {
  let body = asset.encoded.get(encoding)
  if (!body) {
    body = encoding === 'br'
      ? zlib.brotliCompressSync(asset.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: asset.body.length } })
      : zlib.gzipSync(asset.body, { level: 9 })
    asset.encoded.set(encoding, body)
  }
  return body
}

function send (asset: Asset, cacheControl: string, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('Content-Type', asset.type).header('Cache-Control', cacheControl).header('Vary', 'Accept-Encoding')
    .header('ETag', asset.etag)
  const known = String(request.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''))
  if (known.includes(asset.etag)) return reply.code(304).send()
  const encoding = encodingFor(request)
  if (!encoding) return reply.send(asset.body)
  return reply.header('Content-Encoding', encoding).send(encode(asset, encoding))
}

/**
 * Our own CSS/JS under /public, and the U.S. Web Design System served from node_modules (no CDN). The files the
 * layout links are read once at start, sent compressed (br or gzip) and linked under fingerprinted names with a
 * year's cache; everything else (fonts, icons) through @fastify/static with an hour's. In development
 * everything is read from disk on each request, by its plain name.
 */
export default fp(async (app) => {
  const byUrl = new Map<string, string>()
  // `npm run dev` restarts on source changes, not on CSS edits: there the files are read on every request.
  const linked = app.config.NODE_ENV === 'development' ? [] : LINKED
  for (const [url, file] of linked) {
    const body = fs.readFileSync(file)
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12)
    const asset: Asset = { body, type: TYPES[path.extname(file)], etag: `"${hash}"`, encoded: new Map() }
    const named = fingerprinted(url, hash)
    byUrl.set(url, named)
    // Static paths win over @fastify/static's wildcard below, so the plain name is sent compressed too.
    app.get(named, { logLevel: 'warn' }, (request, reply) => send(asset, IMMUTABLE, request, reply))
    app.get(url, { logLevel: 'warn' }, (request, reply) => send(asset, SHORT, request, reply))
  }
  app.decorate('assetUrl', (url: string) => byUrl.get(url) ?? url)
  // Request logs stay about pages: a page load fetches a dozen static files (their warnings and errors are
  // still logged). @fastify/static does not open a plugin context of its own, so this one carries the level.
  await app.register(async (files) => {
    await files.register(fastifyStatic, { root: publicDir, prefix: '/public/', maxAge: '1h' })
    await files.register(fastifyStatic, { root: uswds, prefix: '/uswds/', decorateReply: false, maxAge: '1h' })
  }, { logLevel: 'warn' })
}, { name: 'static', dependencies: ['config'] })
