import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SessionStore, normalizeAgentId } from '@openclaw/state';
import type { SessionsRepairReport } from '@openclaw/state';
import { check, errorText, plural } from './doctor-check.ts';
import type { DoctorCheck, DoctorContext } from './doctor-check.ts';
import { sessionDirs } from './doctor-state.ts';

const SECTION = 'Sessions';
const NEWLINE = 0x0a;

/** What the read-only scan found in one transcript. */
export interface TranscriptScan {
  file: string;
  /** Bytes of a last line cut short (or unparsable), which `--fix` cuts off and keeps aside. */
  tornTailBytes: number;
  /** 1-based numbers of unparsable lines before the last one. */
  malformedLines: number[];
}

/** The same test the state layer applies: a JSON object with a string `type`; blank lines are fine. */
function malformed(line: string): boolean {
  if (line.trim() === '') return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string';
  } catch {
    return true;
  }
}

/** Reads one transcript and reports damage without changing it. */
export function scanTranscript(file: string): TranscriptScan {
  const bytes = readFileSync(file);
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop(); // after the last newline: the partial tail, handled below
  const malformedLines: number[] = [];
  lines.forEach((line, i) => {
    if (malformed(line)) malformedLines.push(i + 1);
  });
  let tornTailBytes = bytes.length - end;
  // A complete last line that does not parse is a torn write too (the state layer cuts it).
  if (tornTailBytes === 0 && malformedLines.length > 0 && malformedLines[malformedLines.length - 1] === lines.length) {
    malformedLines.pop();
    tornTailBytes = Buffer.byteLength(`${lines[lines.length - 1]}\n`);
  }
  return { file, tornTailBytes, malformedLines };
}

function transcriptFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.jsonl') && !name.startsWith('.'))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function describeScan(scan: TranscriptScan): string {
  const parts: string[] = [];
  if (scan.tornTailBytes > 0) parts.push(`torn last line (${plural(scan.tornTailBytes, 'byte')})`);
  if (scan.malformedLines.length > 0) parts.push(`malformed ${scan.malformedLines.length === 1 ? 'line' : 'lines'} ${scan.malformedLines.join(', ')}`);
  return `${scan.file}: ${parts.join('; ')}`;
}

function describeRepair(report: SessionsRepairReport): string[] {
  const out: string[] = [];
  if (report.index) out.push(`rebuilt ${report.indexFile}`);
  for (const file of report.staleTempFiles) out.push(`removed the stale temporary file ${file}`);
  for (const t of report.transcripts) {
    if (t.tornTail) out.push(`${t.file}: cut a torn last line (${plural(t.tornTail.bytes, 'byte')}), kept in ${t.tornTail.savedTo}`);
    if (t.removedLines) out.push(`${t.file}: moved ${plural(t.removedLines.count, 'malformed line')} to ${t.removedLines.savedTo}`);
  }
  return out;
}

/**
 * Session integrity per agent: a read-only scan of every transcript; with --fix (and no live
 * gateway) `SessionStore#repair` cuts torn tails and moves malformed lines aside, keeping both.
 */
export async function sessionChecks(context: DoctorContext, gatewayLive: boolean): Promise<DoctorCheck[]> {
  const dirs = sessionDirs(context.loaded.paths.stateDir);
  if (dirs.length === 0) return [check(SECTION, 'sessions', 'ok', 'sessions', 'no sessions yet')];
  const out: DoctorCheck[] = [];
  for (const { agentId, dir } of dirs) {
    const id = `sessions.${agentId}`;
    const title = `agent ${agentId}`;
    const files = transcriptFiles(dir);
    const damaged: TranscriptScan[] = [];
    try {
      for (const file of files) {
        const scan = scanTranscript(file);
        if (scan.tornTailBytes > 0 || scan.malformedLines.length > 0) damaged.push(scan);
      }
    } catch (error) {
      out.push(check(SECTION, id, 'problem', title, `cannot read ${dir}: ${errorText(error)}`, { fix: `check the owner and mode of ${dir}` }));
      continue;
    }
    if (damaged.length === 0) {
      out.push(check(SECTION, id, 'ok', title, `${plural(files.length, 'transcript')}, all intact`));
      continue;
    }
    const lines = damaged.map(describeScan);
    const summary = `${plural(damaged.length, 'damaged transcript')} of ${files.length} in ${dir}`;
    if (!context.fix) {
      out.push(check(SECTION, id, 'warning', title, `${summary} (readers skip the bad lines)`, { fix: 'openclaw doctor --fix (the cut bytes are kept next to the file)', lines }));
      continue;
    }
    if (gatewayLive) {
      out.push(check(SECTION, id, 'warning', title, `${summary}; not repaired while the gateway is running`, { fix: 'openclaw gateway stop, then openclaw doctor --fix, then openclaw gateway start', lines }));
      continue;
    }
    if (normalizeAgentId(agentId) !== agentId) {
      out.push(check(SECTION, id, 'warning', title, `${summary}; ${agentId} is not a valid agent id, so doctor does not touch it`, { fix: `repair or remove ${dir} by hand`, lines }));
      continue;
    }
    const store = new SessionStore({ stateDir: context.loaded.paths.stateDir, agentId });
    try {
      const repaired = describeRepair(await store.repair({ dropMalformed: true }));
      context.changes.push(...repaired);
      out.push(check(SECTION, id, 'ok', title, `repaired ${plural(damaged.length, 'transcript')} in ${dir}`, { changed: repaired.length > 0, lines: repaired }));
    } catch (error) {
      out.push(check(SECTION, id, 'problem', title, `repair failed: ${errorText(error)}`, { fix: 'stop the gateway (`openclaw gateway stop`) and run `openclaw doctor --fix` again', lines }));
    } finally {
      store.close();
    }
  }
  return out;
}
