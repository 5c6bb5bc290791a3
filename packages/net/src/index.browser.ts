/**
 * @parley/net, browser variant: the same API as index.ts; createParleyNode builds a node with
 * WebSockets, WebRTC and circuit-relay transports and noble crypto. See index.ts for the example.
 */
export { createParleyNode } from './create-node.browser.ts';
export * from './shared-exports.ts';
