import { z } from 'zod';

/** What the benchmark tells the engine process beyond the Ocean-style environment variables. */
export const engineOptionsSchema = z.object({
  /** Host → address overrides so dev.azure.com and its service hosts reach the local simulator. */
  resolve: z.record(z.string(), z.string()),
  /** Directory for heap snapshots taken near the heap's peak; absent = none. */
  heapSnapshotDir: z.string().optional(),
  /**
   * How often shards other than 0 look for shard 0's first-run setup (deps.shardSetupWait). The
   * engine's 5 s default would make every shard but 0 start up to 5 s late; the benchmark
   * measures the shards' work, not the polling interval.
   */
  shardSetupWait: z.object({ intervalMs: z.number(), timeoutMs: z.number() }).optional(),
});
export type EngineOptions = z.infer<typeof engineOptionsSchema>;

export const ENGINE_OPTIONS_VARIABLE = 'PORT_ADO_SYNC_BENCH_ENGINE';

const memoryBreakdownSchema = z.object({
  rss: z.number(),
  heapTotal: z.number(),
  heapUsed: z.number(),
  youngGenerationCommitted: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
});
export type MemoryBreakdown = z.infer<typeof memoryBreakdownSchema>;

const gcTotalsSchema = z.object({
  minorSeconds: z.number(),
  minorCount: z.number(),
  majorSeconds: z.number(),
  majorCount: z.number(),
  incrementalSeconds: z.number(),
});
export type GcTotals = z.infer<typeof gcTotalsSchema>;

const resourceSchema = z.object({
  /** Position in the mapping's resources (the cursor key's index). */
  index: z.number().optional(),
  kind: z.string(),
  blueprints: z.array(z.string()),
  listed: z.number(),
  upserted: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  mappingErrors: z.number(),
  deleted: z.number(),
  seconds: z.number(),
  requests: z.number(),
  throttledSeconds: z.number(),
  incomplete: z.array(z.string()),
  error: z.string().nullable(),
});
export type EngineResource = z.infer<typeof resourceSchema>;

/** The engine process's one report, sent over IPC when the run is over. */
export const engineReportSchema = z.object({
  type: z.literal('report'),
  outcome: z.enum(['success', 'partial', 'failed', 'config-error']),
  /** The run as the engine measured it (core/sync/stats RunResult, in summary form). */
  run: z
    .object({
      seconds: z.number(),
      adoRequests: z.number(),
      portRequests: z.number(),
      throttledSeconds: z.number(),
      resources: z.array(resourceSchema),
      deleted: z.number(),
      /** Per resource: how it was listed and what changed (incremental cursors; null when the run had none). */
      cursors: z
        .array(z.object({ kind: z.string(), index: z.number(), listing: z.string(), since: z.string().nullable(), advanced: z.boolean(), changed: z.number() }))
        .nullable(),
    })
    .nullable(),
  /** Peak resident set size of the engine process (getrusage ru_maxrss), MiB. */
  maxRssMiB: z.number(),
  /** Largest V8 heap in use seen by a 250 ms sampler, MiB. */
  peakHeapUsedMiB: z.number(),
  /** The 250 ms sample with the highest RSS, broken down (process.memoryUsage and V8's young generation), MiB; undefined for a run shorter than one sample. */
  memoryAtPeakRss: memoryBreakdownSchema.optional(),
  /** Garbage-collection pauses of the engine's main thread (Node's `gc` performance entries). */
  gc: gcTotalsSchema,
  cpuUserSeconds: z.number(),
  cpuSystemSeconds: z.number(),
  /** CPU of the engine's main thread alone (Linux only): what JavaScript, the parsers and the GC's pauses took. */
  mainThreadCpuSeconds: z.number().optional(),
  warnings: z.number(),
  /** Error lines the run logged (first few), so a failing benchmark says why. */
  errors: z.array(z.string()),
});
export type EngineReport = z.infer<typeof engineReportSchema>;
