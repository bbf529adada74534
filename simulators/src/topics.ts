/** The parameter names of a topic pattern such as `sensors/{sensorId}/data`. */
export type TopicParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | TopicParams<Rest>
  : never;

/**
 * Fills a `DEVICE_TOPICS` pattern. The parameter names are checked at compile
 * time, so renaming a placeholder in the shared contract breaks the simulators.
 */
export function fillTopic<P extends string>(pattern: P, params: Record<TopicParams<P>, string>): string {
  return pattern.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = (params as Record<string, string | undefined>)[name];
    if (value === undefined) throw new RangeError(`topic ${pattern} needs a value for {${name}}`);
    if (/[/+#]/.test(value)) throw new RangeError(`topic parameter ${name}="${value}" must be one topic level`);
    return value;
  });
}
