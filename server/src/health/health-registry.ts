export type ComponentStatus = 'up' | 'degraded' | 'down';

export interface ComponentHealth {
  status: ComponentStatus;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  connections: number;
  components: Record<string, ComponentHealth>;
}

export type HealthCheck = () => ComponentHealth;

/** Components (mqtt, store, adapter …) register a check; /health reports them all. */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly startedAt: number;

  constructor(
    private readonly version: string,
    private readonly connections: () => number,
    now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.now = now;
  }

  private readonly now: () => number;

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  report(): HealthReport {
    const components: Record<string, ComponentHealth> = {};
    for (const [name, check] of this.checks) {
      try {
        components[name] = check();
      } catch (error) {
        components[name] = { status: 'down', error: (error as Error).message };
      }
    }
    const degraded = Object.values(components).some((component) => component.status !== 'up');
    return {
      status: degraded ? 'degraded' : 'ok',
      version: this.version,
      uptimeSeconds: Math.floor((this.now() - this.startedAt) / 1000),
      connections: this.connections(),
      components,
    };
  }
}
