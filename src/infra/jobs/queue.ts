import type PgBoss from 'pg-boss'

export type JobHandler<T = Record<string, unknown>> = (data: T) => Promise<void>

export interface WorkOptions {
  /** pg-boss queue policy: 'stately' keeps at most one job waiting and one running (good for sweeps). */
  policy?: PgBoss.QueuePolicy
  /** How often the worker looks for jobs when it has not been woken (seconds; default 2). */
  pollingIntervalSeconds?: number
  /** Retries of a failed job by pg-boss (default 2). */
  retryLimit?: number
  /**
   * How long a job may stay active before pg-boss counts it as failed (default JOB_EXPIRY_SECONDS). A process
   * that dies mid-job leaves its job active; with a 'stately' queue nothing else of that job runs until then.
   */
  expireInSeconds?: number
}

/** Jobs are sweeps of a minute's work at most: one left active by a dead process is given up this soon. */
export const JOB_EXPIRY_SECONDS = 60
/** How often a worker process looks for expired jobs (pg-boss's maintenance; its default is 2 minutes). */
export const MAINTENANCE_SECONDS = 20

/**
 * Work done in every worker process, in the process itself: every `intervalMs`, when `due()` says there is
 * work, `run()` (never two runs at once in one process). For work whose rows are claimed safely by several
 * processes at once (leases, FOR UPDATE SKIP LOCKED): no job stands for it, so none can be left behind by a
 * process that died — a restarted process sweeps again within `intervalMs`.
 */
export interface Sweep {
  name: string
  intervalMs: number
  due: () => Promise<boolean>
  run: () => Promise<void>
}

interface Logger {
  error (obj: unknown, msg?: string): void
}

/**
 * The background job queue (pg-boss). Every process can `send`; only a worker process (WORKER=true) runs
 * handlers, schedules and pollers. Features register handlers with `work` and cron jobs with `schedule` while the
 * app is being built; `startWorker` attaches them all once the app is ready.
 */
export class JobQueue {
  private readonly handlers = new Map<string, { handler: JobHandler<any>, options: WorkOptions }>()
  private readonly schedules: Array<{ name: string, cron: string, data: object }> = []
  private readonly sweeps: Sweep[] = []
  private readonly workerIds = new Map<string, string>()
  /** Queues known to exist (creating one is shared by concurrent callers). */
  private readonly queues = new Map<string, Promise<void>>()
  private readonly timers: NodeJS.Timeout[] = []
  private starting: Promise<void> | null = null
  private workerRunning = false
  private stopped = false

  constructor (private readonly boss: PgBoss, private readonly log: Logger) {
    boss.on('error', (err) => log.error({ err }, 'job queue error'))
  }

  /** Registers the handler of a job; it runs in the worker process, once per job. */
  work<T extends object = Record<string, unknown>> (name: string, handler: JobHandler<T>, options: WorkOptions = {}): Promise<void> {
    if (this.handlers.has(name)) throw new Error(`A handler for the job "${name}" is already registered.`)
    this.handlers.set(name, { handler, options })
    // Registered after the worker started (rare): attach now. The promise may be ignored; failures are logged.
    return this.workerRunning ? this.logged(name, this.attach(name)) : Promise.resolve()
  }

  /** Runs the job `name` on a cron schedule (UTC), in the worker; give it a handler with `work`. */
  schedule (name: string, cron: string, data: object = {}): Promise<void> {
    const s = { name, cron, data }
    this.schedules.push(s)
    return this.workerRunning ? this.logged(name, this.install(s)) : Promise.resolve()
  }

  /** Registers a sweep (see Sweep); it runs while the worker runs. */
  sweep (sweep: Sweep): void {
    this.sweeps.push(sweep)
    if (this.workerRunning) this.startSweep(sweep)
  }

  /** Queues a job (it runs in the worker process). Returns its id, or null when the queue's policy dropped it. */
  async send (name: string, data: object = {}, options: PgBoss.SendOptions = {}): Promise<string | null> {
    await this.start()
    await this.ensureQueue(name)
    const id = await this.boss.send(name, data, options)
    const workerId = this.workerIds.get(name)
    if (workerId && !options.startAfter) this.boss.notifyWorker(workerId)
    return id
  }

  /** Starts pg-boss (installing or migrating its schema in the `pgboss` schema on first use). */
  async start (): Promise<void> {
    if (this.stopped) throw new Error('The job queue has been stopped.')
    this.starting ??= this.boss.start().then(() => undefined)
    await this.starting
  }

  /** Starts the worker in this process: handlers, schedules and sweeps. */
  async startWorker (): Promise<void> {
    await this.start()
    this.workerRunning = true
    for (const name of this.handlers.keys()) await this.attach(name)
    for (const s of this.schedules) await this.install(s)
    for (const sweep of this.sweeps) this.startSweep(sweep)
  }

  /** Stops sweeps and workers, waiting up to `timeoutMs` for running jobs and sweeps. */
  async stop (timeoutMs = 10_000): Promise<void> {
    this.stopped = true
    for (const t of this.timers) clearInterval(t)
    this.timers.length = 0
    this.workerRunning = false
    await Promise.all([...this.runningSweeps])
    if (!this.starting) return
    await this.starting.catch(() => undefined)
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs })
  }

  private async ensureQueue (name: string): Promise<void> {
    let created = this.queues.get(name)
    if (!created) {
      const options = this.handlers.get(name)?.options ?? {}
      const settings = {
        name,
        policy: options.policy ?? 'standard',
        retryLimit: options.retryLimit ?? 2,
        expireInSeconds: options.expireInSeconds ?? JOB_EXPIRY_SECONDS
      }
      created = (async () => {
        const existing = await this.boss.getQueue(name)
        if (!existing) await this.boss.createQueue(name, settings)
        // A queue made by an earlier version kept pg-boss's 15-minute expiry: a job of a process that died stalled
        // the queue that long.
        else if (existing.expireInSeconds !== settings.expireInSeconds) await this.boss.updateQueue(name, { ...existing, expireInSeconds: settings.expireInSeconds })
      })()
      this.queues.set(name, created)
      created.catch(() => this.queues.delete(name))
    }
    await created
  }

  private async install (s: { name: string, cron: string, data: object }): Promise<void> {
    await this.ensureQueue(s.name)
    await this.boss.schedule(s.name, s.cron, s.data, { tz: 'UTC' })
  }

  private async logged (name: string, p: Promise<void>): Promise<void> {
    try {
      await p
    } catch (err) {
      // Not rethrown: callers registering at build time do not await, and a rejection would crash the process.
      this.log.error({ err, job: name }, 'could not register the job with the worker')
    }
  }

  private async attach (name: string): Promise<void> {
    const { handler, options } = this.handlers.get(name)!
    await this.ensureQueue(name)
    const id = await this.boss.work<object>(name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await handler(job.data ?? {})
    })
    this.workerIds.set(name, id)
  }

  private readonly runningSweeps = new Set<Promise<void>>()

  private startSweep (sweep: Sweep): void {
    let busy = false
    const timer = setInterval(() => {
      if (busy || !this.workerRunning) return
      busy = true
      const run = sweep.due()
        .then(async (due) => { if (due && this.workerRunning) await sweep.run() })
        .catch((err) => this.log.error({ err, job: sweep.name }, 'sweep failed'))
        .finally(() => {
          busy = false
          this.runningSweeps.delete(run)
        })
      this.runningSweeps.add(run)
    }, sweep.intervalMs)
    timer.unref()
    this.timers.push(timer)
  }
}
