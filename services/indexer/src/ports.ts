/** What the indexer core needs from its surroundings: metrics and logs (wired to prom-client and pino by main). */

export type IndexerRejectReason =
  | 'decode'
  | 'limit'
  | 'field'
  | 'signature'
  | 'proof-of-work'
  | 'expired'
  | 'not-member'
  | 'wrong-device'
  | 'unlisted'
  | 'settings-mismatch'
  | 'unreachable'
  | 'other';

export interface IndexerMetrics {
  listingSeen(outcome: 'new' | 'replaced' | 'same'): void;
  rejected(reason: IndexerRejectReason, n?: number): void;
  crawled(tags: number, ms: number): void;
  searched(ms: number, status: number): void;
  setGauges(c: { rooms: number; listings: number; pending: number; tags: number; votes: number; peers: number }): void;
}

type Fields = Record<string, string | number | boolean>;

export interface IndexerLog {
  info(fields: Fields, msg: string): void;
  warn(fields: Fields, msg: string): void;
  error(fields: Fields, msg: string): void;
}

export const noMetrics: IndexerMetrics = {
  listingSeen: () => {},
  rejected: () => {},
  crawled: () => {},
  searched: () => {},
  setGauges: () => {},
};

export const noLog: IndexerLog = { info: () => {}, warn: () => {}, error: () => {} };

/** Maps a protocol error code to a rejection reason. */
export const reasonOf = (code: string | undefined): IndexerRejectReason => {
  switch (code) {
    case 'ERR_DECODE':
    case 'ERR_NON_CANONICAL':
    case 'ERR_WRONG_TYPE':
      return 'decode';
    case 'ERR_LIMIT':
      return 'limit';
    case 'ERR_FIELD':
      return 'field';
    case 'ERR_SIGNATURE':
      return 'signature';
    case 'ERR_PROOF_OF_WORK':
      return 'proof-of-work';
    case 'ERR_EXPIRED':
      return 'expired';
    default:
      return 'other';
  }
};
