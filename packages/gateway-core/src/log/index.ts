// The gateway's log: logger interface, redaction, the daily JSONL file sink and `logs.tail`.
export { LEVEL_RANK, createLogger, memorySink, nullLogger } from './logger.ts';
export type { CreateLoggerOptions, GatewayLogger, LogFields, LogLevel, LogRecord, LogSink, LogThreshold, MemorySink, RootLogger } from './logger.ts';
export { MIN_SECRET_LENGTH, REDACTED, createRedactor } from './redact.ts';
export type { Redactor, RedactorOptions } from './redact.ts';
export { DEFAULT_SERIALIZE_LIMITS, toJsonSafe } from './serialize.ts';
export type { SerializeHooks, SerializeLimits } from './serialize.ts';
export { FILE_SINK_DEFAULTS, createFileSink } from './file-sink.ts';
export type { FileSink, FileSinkOptions, FileSinkStats } from './file-sink.ts';
export { DEFAULT_LOG_DIR, dailyLogFileName, localDateKey, parseDailyLogFileName } from './log-files.ts';
export type { DailyLogFile } from './log-files.ts';
export { TAIL_LIMITS, resolveLogFile, tailLog } from './tail.ts';
export type { TailOptions, TailResult } from './tail.ts';
