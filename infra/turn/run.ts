#!/usr/bin/env node
/** parley-turn: `npm run turn -- --secret ... --realm turn.example.org` (see --help). */
import { parseTurnConfig, runTurn, TurnConfigError, turnHelpText, turnserverConf } from './src/index.ts';

const main = async (): Promise<number> => {
  let config: ReturnType<typeof parseTurnConfig>;
  try {
    config = parseTurnConfig(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof TurnConfigError) {
      console.error(`parley-turn: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (config.help) {
    console.log(turnHelpText());
    return 0;
  }
  if (config.print) {
    process.stdout.write(turnserverConf(config, { maskSecret: true }));
    return 0;
  }
  try {
    return await runTurn(config);
  } catch (e) {
    console.error(`parley-turn: ${(e as Error).message}`);
    return 1;
  }
};

process.exitCode = await main();
