import { LRUCache } from 'lru-cache'

/** What a loader gives the cache: the value, and the tags whose invalidation makes it stale. */
export interface Loaded<T> {
  value: T
  tags: string[]
  /** false: return the value but do not keep it (a lookup of something that does not exist, say). */
  keep?: boolean
}

interface Entry { value: unknown, tags: string[] }

export interface CacheOptions {
  /** Entries at most. */
  max: number
  /** Total size at most, in the units `size` counts (with `size`). */
  maxSize?: number
  /** An entry's size (say, the rows it holds); at least 1. */
  size?: (value: unknown) => number
  /** Milliseconds an entry lives at most, invalidated or not: the bound on anything a tag cannot tell. */
  ttl: number
  /** Called before every read; a promise it returns is awaited first (the caller catching up on changes). */
  ready?: () => Promise<void> | undefined
}

/** Freezes a value and the objects it holds directly (the rows of a page), so a request cannot change them for others. */
function freeze (value: unknown): void {
  if (!value || typeof value !== 'object') return
  for (const v of Object.values(value)) if (v && typeof v === 'object' && !(v instanceof Date)) Object.freeze(v)
  Object.freeze(value)
}

/** The kind of a tag: what comes before its first colon (`event` of `event:12`; `names` of `names`). */
export function tagKind (tag: string): string {
  const colon = tag.indexOf(':')
  return colon < 0 ? tag : tag.slice(0, colon)
}

/** The coarse tag that stands for every tag of `tag`'s kind: `event:*` for `event:12`. */
export function coarse (tag: string): string {
  return tagKind(tag) + ':*'
}

/** Whether `tag` is a coarse tag (sent for a statement that changed too many rows to name them one by one). */
export function isCoarse (tag: string): boolean {
  return tag.endsWith(':*')
}

/** Tags remembered with the time they were last invalidated; past this, all are forgotten at once. */
const REMEMBERED_TAGS = 50_000

/**
 * An in-process read cache whose entries are dropped by tag (`event:12`) when the data behind them changes.
 *
 * A load that was running while one of its tags was invalidated does not store its result: it may have read
 * the rows before the change committed. Values are frozen (two levels deep) and shared by every request that reads
 * them; nobody may change them.
 */
export class TaggedCache {
  readonly #entries: LRUCache<string, Entry>
  readonly #ready: CacheOptions['ready']
  readonly #byTag = new Map<string, Set<string>>()
  /** Loads under way, by key, with the `#seq` they started at: a read of the same key joins one instead of loading too. */
  readonly #loading = new Map<string, { started: number, done: Promise<unknown> }>()
  /** Bumped by every invalidation. */
  #seq = 0
  /** When each recently invalidated tag was last invalidated (a `#seq`). */
  readonly #invalidatedAt = new Map<string, number>()
  /** Loads that started before this `#seq` do not store (after a flush, or when old tags were forgotten). */
  #floor = 0
  /** Off: every read loads (while nobody can tell us what changed). */
  #enabled = true
  hits = 0
  misses = 0

  constructor (opts: CacheOptions) {
    this.#ready = opts.ready
    this.#entries = new LRUCache<string, Entry>({
      max: opts.max,
      ttl: opts.ttl,
      ...(opts.maxSize && opts.size ? { maxSize: opts.maxSize, sizeCalculation: (e: Entry) => Math.max(1, opts.size!(e.value)) } : {}),
      dispose: (entry, key) => {
        for (const tag of entry.tags) {
          const keys = this.#byTag.get(tag)
          if (!keys) continue
          keys.delete(key)
          if (keys.size === 0) this.#byTag.delete(tag)
        }
      }
    })
  }

  get size (): number { return this.#entries.size }

  /**
   * What is held for `key` right now, without loading or waiting to hear this process's own writes: a hint
   * only (it may be a moment old), for choosing how to do something that is checked again anyway.
   */
  peek<T> (key: string): T | undefined {
    return this.#enabled ? this.#entries.get(key)?.value as T | undefined : undefined
  }

  /** The cached value for `key`, or what `load` reads (stored unless one of its tags changed meanwhile). */
  async get<T> (key: string, load: () => Promise<Loaded<T>>): Promise<T> {
    const catchingUp = this.#ready?.()
    if (catchingUp) await catchingUp
    if (this.#enabled) {
      const entry = this.#entries.get(key)
      if (entry) { this.hits++; return entry.value as T }
    }
    // Many readers of one key at once (everyone opening the event from the same email): one load. Joined only
    // when nothing was invalidated since it started, so a joiner never gets what was read before a change.
    const running = this.#loading.get(key)
    if (running && running.started === this.#seq && this.#enabled) { this.hits++; return running.done as Promise<T> }
    this.misses++
    const started = this.#seq
    const done = this.#load(key, started, load)
    this.#loading.set(key, { started, done })
    try {
      return await done
    } finally {
      if (this.#loading.get(key)?.done === done) this.#loading.delete(key)
    }
  }

  async #load<T> (key: string, started: number, load: () => Promise<Loaded<T>>): Promise<T> {
    const { value, tags, keep } = await load()
    if (keep !== false && this.#enabled && started >= this.#floor && tags.every((t) => this.#lastInvalidated(t) <= started)) {
      freeze(value)
      this.#entries.set(key, { value, tags })
      for (const tag of tags) {
        let keys = this.#byTag.get(tag)
        if (!keys) this.#byTag.set(tag, keys = new Set())
        keys.add(key)
      }
    }
    return value
  }

  /** When `tag` was last invalidated, itself or by a coarse tag of its kind (a `#seq`; 0: not remembered). */
  #lastInvalidated (tag: string): number {
    return Math.max(this.#invalidatedAt.get(tag) ?? 0, this.#invalidatedAt.get(coarse(tag)) ?? 0)
  }

  /**
   * Drops every entry carrying `tag`, and any load of it now running. A coarse tag (`event:*`, see `isCoarse`)
   * drops every entry carrying a tag of its kind.
   */
  invalidate (tag: string): void {
    this.#seq++
    if (this.#invalidatedAt.size >= REMEMBERED_TAGS) {
      this.#invalidatedAt.clear()
      this.#floor = this.#seq
    }
    this.#invalidatedAt.set(tag, this.#seq)
    const keys = isCoarse(tag)
      ? [...this.#byTag].filter(([t]) => coarse(t) === tag).flatMap(([, k]) => [...k])
      : [...this.#byTag.get(tag) ?? []]
    for (const key of keys) this.#entries.delete(key)
  }

  /** Drops everything, and every load now running. */
  flush (): void {
    this.#seq++
    this.#floor = this.#seq
    this.#invalidatedAt.clear()
    this.#entries.clear()
  }

  /** Off: reads go to the loader and nothing is stored; on again: starts empty. */
  setEnabled (enabled: boolean): void {
    this.flush()
    this.#enabled = enabled
  }

  get enabled (): boolean { return this.#enabled }
}

const derivedOf = new WeakMap<object, Map<string, unknown>>()

/**
 * Something computed from a cached (frozen) value, kept exactly as long as that value is: e.g. the part of a
 * page every viewer sees alike, rendered once per cached page. When the cache drops or replaces the value, what
 * was derived from it goes too (it is keyed by the object). `key` names what is derived and what it depends on
 * besides `owner`.
 */
export function derived<T> (owner: object, key: string, compute: () => T): T {
  let map = derivedOf.get(owner)
  if (!map) derivedOf.set(owner, map = new Map())
  if (map.has(key)) return map.get(key) as T
  const value = compute()
  map.set(key, value)
  return value
}
