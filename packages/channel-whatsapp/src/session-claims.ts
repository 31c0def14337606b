import { resolve } from 'node:path';

/** Who uses a session directory: a running account, or a QR login in progress. */
export interface SessionClaim {
  readonly kind: 'instance' | 'login';
  /** `whatsapp account "work"`, for messages. */
  readonly label: string;
  /** Makes the holder let go (end its socket, write nothing more); a forced login calls it. */
  readonly evict: () => Promise<void>;
}

/**
 * Which session directories are in use in this process, on `globalThis` under a registered
 * symbol so two bundled copies of this package still see each other. Two sockets on one
 * session replace each other in turn (close 440), and two writers would mix their keys.
 */
const CLAIMS_KEY = Symbol.for('openclaw.channel-whatsapp.session-claims');

function claims(): Map<string, SessionClaim> {
  const scope = globalThis as { [CLAIMS_KEY]?: Map<string, SessionClaim> };
  scope[CLAIMS_KEY] ??= new Map();
  return scope[CLAIMS_KEY];
}

/** The holder of `dir`, if any. */
export function sessionHolder(dir: string): SessionClaim | undefined {
  return claims().get(resolve(dir));
}

/**
 * Claims `dir` for `claim`: `{ release }` when it was free (idempotent, releases only this
 * claim), else `{ holder }` and nothing changes.
 */
export function claimSession(dir: string, claim: SessionClaim): { release: () => void } | { holder: SessionClaim } {
  const key = resolve(dir);
  const map = claims();
  const holder = map.get(key);
  if (holder) return { holder };
  map.set(key, claim);
  return {
    release: () => {
      if (map.get(key) === claim) map.delete(key);
    },
  };
}
