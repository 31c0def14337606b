import type { Redactor } from './redact.ts';
import { toJsonSafe } from './serialize.ts';
import type { SerializeLimits } from './serialize.ts';

/** The levels a record can carry, most verbose first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * A minimum level, as `logging.level` spells it. `fatal` and `silent` are thresholds only:
 * no method logs at `fatal`, so both write nothing from {@link GatewayLogger}.
 */
export type LogThreshold = LogLevel | 'fatal' | 'silent';

/** Numeric rank of each threshold; a record is written when its rank >= the threshold's. */
export const LEVEL_RANK: Readonly<Record<LogThreshold, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
});

/** The keys every record starts with; fields with these names are renamed with a leading `_`. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['time', 'level', 'msg']);

/** One log line before it is serialised: `{time, level, msg, ...bindings, ...fields}`, JSON-safe and redacted. */
export interface LogRecord {
  /** ISO 8601 in UTC (`2026-02-03T04:05:06.789Z`): unambiguous whatever the host's time zone. */
  readonly time: string;
  readonly level: LogLevel;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** Where records go. `write` must not throw; the logger still guards every call. */
export interface LogSink {
  write(record: LogRecord): void;
  flush?(): void;
  close?(): void;
}

/** Free-form structured context attached to a record or, via `child`, to every record of a logger. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logger every gateway-core module takes as an injected dependency. Calls never throw
 * and cost almost nothing below the configured level.
 */
export interface GatewayLogger {
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `bindings` (e.g. `{ module: 'ws', connId }`) to each of its records. */
  child(bindings: LogFields): GatewayLogger;
}

/** The logger returned by {@link createLogger}: also owns its sinks. */
export interface RootLogger extends GatewayLogger {
  /** Flushes every sink. */
  flush(): void;
  /** Closes every sink; later records are discarded. */
  close(): void;
}

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Minimum level written (default `info`). */
  level?: LogThreshold;
  sinks: readonly LogSink[];
  /** Epoch milliseconds (default `Date.now`). */
  clock?: () => number;
  /** Applied to msg, bindings and fields before any sink sees the record. Without one nothing is masked. */
  redactor?: Redactor;
  /** Caps on string length, array length and depth (see {@link DEFAULT_SERIALIZE_LIMITS}). */
  limits?: Partial<SerializeLimits>;
}

const DEFAULT_LOGGER_OPTIONS = Object.freeze({ level: 'info' as LogThreshold, clock: Date.now });

/** A logger that discards everything: the default dependency in tests and embedders. */
export const nullLogger: GatewayLogger = Object.freeze({
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nullLogger,
});

/** Creates a logger writing redacted JSON-safe records to `sinks`. */
export function createLogger(options: CreateLoggerOptions): RootLogger {
  const threshold = LEVEL_RANK[options.level ?? DEFAULT_LOGGER_OPTIONS.level] ?? LEVEL_RANK.info;
  const clock = options.clock ?? DEFAULT_LOGGER_OPTIONS.clock;
  const sinks = [...options.sinks];
  const redactor = options.redactor;
  let closed = false;

  const emit = (level: LogLevel, msg: string, bindings: readonly LogFields[], fields: LogFields | undefined): void => {
    if (closed || LEVEL_RANK[level] < threshold) return;
    const record = buildRecord(level, msg, bindings, fields, clock, redactor, options.limits);
    for (const sink of sinks) {
      try {
        sink.write(record);
      } catch {
        // A broken sink must never take the gateway down with it; file sinks count their own failures.
      }
    }
  };

  const make = (bindings: readonly LogFields[]): GatewayLogger => ({
    trace: (msg, fields) => emit('trace', msg, bindings, fields),
    debug: (msg, fields) => emit('debug', msg, bindings, fields),
    info: (msg, fields) => emit('info', msg, bindings, fields),
    warn: (msg, fields) => emit('warn', msg, bindings, fields),
    error: (msg, fields) => emit('error', msg, bindings, fields),
    child: (more) => make([...bindings, more]),
  });

  const each = (method: 'flush' | 'close'): void => {
    for (const sink of sinks) {
      try {
        sink[method]?.();
      } catch {
        // Same rule as write: shutting down must not throw because one sink failed.
      }
    }
  };

  return {
    ...make([]),
    flush: () => each('flush'),
    close: () => {
      if (closed) return;
      each('close');
      closed = true;
    },
  };
}

function buildRecord(
  level: LogLevel,
  msg: string,
  bindings: readonly LogFields[],
  fields: LogFields | undefined,
  clock: () => number,
  redactor: Redactor | undefined,
  limits: Partial<SerializeLimits> | undefined,
): LogRecord {
  const time = safeIso(clock);
  try {
    const hooks = { redactor, limits };
    const record: Record<string, unknown> = { time, level, msg: toJsonSafe(String(msg), hooks) };
    // Bindings first, then fields, so a record's own fields override its logger's bindings.
    for (const source of fields === undefined ? bindings : [...bindings, fields]) {
      const safe = toJsonSafe(source, hooks);
      if (safe === null || typeof safe !== 'object' || Array.isArray(safe)) continue;
      for (const [key, value] of Object.entries(safe)) {
        if (value === undefined) continue;
        record[RESERVED_KEYS.has(key) ? `_${key}` : key] = value;
      }
    }
    return record as LogRecord;
  } catch {
    // Redaction itself failed (e.g. the secrets provider threw): writing the record unmasked
    // could leak, so only the fact that something was logged survives.
    return { time, level, msg: '[log record dropped: serialisation or redaction failed]' };
  }
}

function safeIso(clock: () => number): string {
  try {
    return new Date(clock()).toISOString();
  } catch {
    return new Date().toISOString();
  }
}

/** A sink that keeps records in memory, for tests. */
export interface MemorySink extends LogSink {
  readonly records: LogRecord[];
  /** The records as the JSON lines a file sink would write (without newlines). */
  lines(): string[];
}

/** Creates a {@link MemorySink}; beyond `max` records (default 10 000) the oldest are discarded. */
export function memorySink(max = 10_000): MemorySink {
  const records: LogRecord[] = [];
  return {
    records,
    write(record) {
      records.push(record);
      if (records.length > max) records.splice(0, records.length - max);
    },
    lines: () => records.map((record) => JSON.stringify(record)),
  };
}
