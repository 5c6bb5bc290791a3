/**
 * Transactions that outlive their connection. When the server drops a connection mid-transaction,
 * postgres.js (3.4.x) answers the failed callback by writing ROLLBACK to the dead socket from a
 * setImmediate, which throws an uncatchable TypeError and takes the whole process down
 * (porsager/postgres#1154, #1208; fixes #1168/#1209 unmerged). So on an error that means the
 * connection is gone, the callback never settles: postgres.js then writes nothing, and `begin`
 * rejects through its own on-close path. The server has rolled the transaction back already.
 */

/** SQLSTATEs after which the server closes the connection, and postgres.js's own connection errors. */
const LOST = new Set(['57P01', '57P02', '57P03', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED']);

/** Whether `e`, or an error it wraps (drizzle wraps driver errors in `cause`), means the connection is gone. */
export const isConnectionLoss = (e: unknown): boolean => {
  for (let x = e, depth = 0; typeof x === 'object' && x !== null && depth < 8; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && (LOST.has(code) || code.startsWith('08'))) return true;
  }
  return false;
};

/** A promise that never settles: the transaction is abandoned to the connection's close. */
export const abandoned = <T>(): Promise<T> => new Promise<T>(() => {});
