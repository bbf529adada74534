import type { GatewayConfig } from '../config/config';
import type { Logger } from '../logging/logger';
import type { Store } from './store';

const DAY_MS = 86_400_000;

/** Prunes telemetry older than RETENTION_DAYS every PRUNE_INTERVAL_MS; returns a stop function. */
export function startPruning(
  store: Store,
  config: GatewayConfig['store'],
  logger: Logger,
  now: () => number = Date.now,
): () => void {
  const prune = (): void => {
    const cutoff = new Date(now() - config.retentionDays * DAY_MS).toISOString();
    store.pruneTelemetry(cutoff).then(
      (removed) => {
        if (removed > 0) logger.info('pruned telemetry', { removed, olderThan: cutoff });
      },
      (error: unknown) => logger.warn('pruning telemetry failed; will try again', { error }),
    );
  };
  const timer = setInterval(prune, config.pruneIntervalMs);
  timer.unref();
  prune();
  return () => clearInterval(timer);
}
