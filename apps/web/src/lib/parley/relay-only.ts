/** The relay-only choice (hide this device's IP addresses from peers: TURN relays only), kept in localStorage. */
const KEY = 'parley.relayOnly.v1';

export const loadRelayOnly = (): boolean => globalThis.localStorage?.getItem(KEY) === '1';

export const saveRelayOnly = (on: boolean): void => {
  if (on) localStorage.setItem(KEY, '1');
  else localStorage.removeItem(KEY);
};
