import { signToken } from './auth/sign-token';
import { loadConfig } from './config/config';
import { ConfigError } from './config/config-error';
import { DEFAULTS } from './config/defaults';
import { createGateway } from './gateway';
import { exitOnSignals } from './lifecycle/shutdown';
import { createLogger } from './logging/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log);
  const gateway = await createGateway(config, { logger });
  exitOnSignals(gateway.stop, config.shutdownTimeoutMs, logger);
  const { port } = await gateway.start();

  if (config.auth.ephemeral) {
    const token = signToken(config.auth, { sub: 'developer', role: 'operator' }, DEFAULTS.devTokenTtl);
    logger.warn('no JWT_SECRET or JWT_PUBLIC_KEY set: using a key made for this process (development only)');
    // The one place a token is printed: written straight to the terminal, never through the logger,
    // the way notebook servers print their URL. It never happens in production, which requires a key.
    process.stdout.write(
      `\n  roomcast is running. Open the gateway with an operator token (valid ${DEFAULTS.devTokenTtl}):\n\n` +
        `    http://localhost:${port}/?token=${token}\n\n`,
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`roomcast: ${error.message}\n`);
  } else {
    process.stderr.write(`roomcast: failed to start: ${(error as Error).message ?? String(error)}\n`);
  }
  process.exit(1);
});
