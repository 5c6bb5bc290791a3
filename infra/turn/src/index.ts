/**
 * @parley/turn — runs Debian's coturn for Parley: `parseTurnConfig` (flags over env), `turnserverConf`
 * (the config file), `runTurn` (write it 0600, run turnserver in the foreground, forward SIGTERM).
 */

export { turnserverConf } from './conf.ts';
export { parseTurnConfig, TURN_OPTIONS, type TurnConfig, TurnConfigError, turnHelpText } from './config.ts';
export { runTurn } from './run-turn.ts';
