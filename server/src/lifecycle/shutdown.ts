import type { Logger } from '../logging/logger';

/**
 * On SIGTERM or SIGINT: stop the gateway, then exit 0; if stopping takes longer
 * than `timeoutMs`, exit 1 anyway so an orchestrator is never kept waiting.
 */
export function exitOnSignals(stop: () => Promise<void>, timeoutMs: number, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    logger.info('signal received, stopping', { signal, timeoutMs });
    const timer = setTimeout(() => {
      logger.error('shutdown timed out, exiting anyway', { timeoutMs });
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('shutdown complete');
        logger.on('finish', () => process.exit(0));
        logger.end();
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
