import type { SimulationProgress, SimulationStats } from './run-simulation';

/** `mm:ss`, or `h:mm:ss` past an hour. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Hides the password of a URL such as mqtt://user:secret@host before it is printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

export function formatSummary(stats: SimulationStats): string {
  const seconds = stats.elapsedMs / 1000;
  const average = seconds > 0 ? stats.sent / seconds : 0;
  return (
    `sent ${stats.sent} messages in ${seconds.toFixed(1)} s (${average.toFixed(1)} msg/s); ` +
    `${stats.errors} errors, ${stats.skipped} samples skipped, ${stats.unacknowledged} unacknowledged`
  );
}

interface Sample {
  elapsedMs: number;
  sent: number;
}

/**
 * The live progress line on stderr. On a terminal it is redrawn in place; in
 * a log (not a TTY) each update is a line of its own, so the caller updates
 * it rarely. The current rate is measured over the last `windowMs`.
 */
export class ProgressLine {
  private readonly history: Sample[] = [{ elapsedMs: 0, sent: 0 }];
  private drawn = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly windowMs: number,
  ) {}

  get interactive(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: SimulationProgress): void {
    this.history.push({ elapsedMs: progress.elapsedMs, sent: progress.sent });
    while (this.history.length > 2 && (this.history[1]?.elapsedMs ?? 0) <= progress.elapsedMs - this.windowMs) {
      this.history.shift();
    }
    const oldest = this.history[0] ?? { elapsedMs: 0, sent: 0 };
    const spanMs = progress.elapsedMs - oldest.elapsedMs;
    const rate = spanMs > 0 ? ((progress.sent - oldest.sent) * 1000) / spanMs : 0;
    const line =
      `sent ${progress.sent} | ${rate.toFixed(1)} msg/s | errors ${progress.errors} | ` +
      `skipped ${progress.skipped} | ${formatElapsed(progress.elapsedMs)} | ` +
      `connected ${progress.connectionsUp}/${progress.connections}`;
    if (this.interactive) {
      this.stream.write(`\r${line}\x1b[K`);
      this.drawn = line;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Prints a message on its own line without breaking the progress line. */
  note(message: string): void {
    if (this.interactive && this.drawn !== '') {
      this.stream.write(`\r\x1b[K${message}\n${this.drawn}`);
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** Ends the progress line so what follows starts on a fresh one. */
  finish(): void {
    if (this.interactive && this.drawn !== '') this.stream.write('\n');
    this.drawn = '';
  }
}
