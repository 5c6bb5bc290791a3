/**
 * @parley/hub — a hub: bootstrap peer, circuit relay v2 server, DHT server, gossip participant and
 * ciphertext store with history sync for the rooms it serves (rooms whose policy pins it, and rooms
 * an operator pins). It verifies every object it stores and holds no room key.
 */

export { ConfigError, type HubConfig, helpText, OPTIONS, parseConfig } from './config.ts';
export { type HttpOptions, type HttpServer, startHttp } from './http.ts';
export { createHubCore, DEFAULT_LIMITS, Hub, type HubCoreOptions, type HubLimits, type HubStorage } from './hub.ts';
export { pinoLog } from './log.ts';
export { loadIdentitySeed, main, runHub } from './main.ts';
export { type PromMetrics, promMetrics } from './metrics.ts';
export * from './ports.ts';
export { memoryServedRooms, type PinReason, type ServedRoomsTable, sqlServedRooms } from './served-rooms.ts';
export { mintTurnCredential, serveTurnCredentials } from './turn.ts';
