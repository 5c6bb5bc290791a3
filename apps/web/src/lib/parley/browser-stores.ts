/**
 * The IndexedDB databases this browser keeps for Parley, with their byte budgets: verified objects
 * (messages, the authority log, keys) and the encrypted chunks of shared files (least recently used
 * evicted beyond the budget). start-client.ts opens them; Settings shows how full they are.
 */
const MB = 1024 * 1024;

export const OBJECT_STORE = { name: 'parley-objects', maxBytes: 200 * MB } as const;
export const FILE_STORE = { name: 'parley-files', maxBytes: 500 * MB } as const;
