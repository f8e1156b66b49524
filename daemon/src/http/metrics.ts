const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Counters and a latency histogram, rendered in the Prometheus text format. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly histogram = new Array<number>(BUCKETS.length + 1).fill(0);
  private durationSum = 0;
  private readonly gauges = new Map<string, () => number>();

  observeRequest(method: string, status: number, seconds: number): void {
    const key = `method="${method}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const i = BUCKETS.findIndex((b) => seconds <= b);
    this.histogram[i === -1 ? BUCKETS.length : i]! += 1;
    this.durationSum += seconds;
  }

  /** Registers a gauge read at scrape time. */
  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  render(): string {
    const lines = ['# TYPE agor_http_requests_total counter'];
    for (const [labels, n] of this.requests) lines.push(`agor_http_requests_total{${labels}} ${n}`);
    lines.push('# TYPE agor_http_request_duration_seconds histogram');
    let cumulative = 0;
    BUCKETS.forEach((b, i) => {
      cumulative += this.histogram[i] ?? 0;
      lines.push(`agor_http_request_duration_seconds_bucket{le="${b}"} ${cumulative}`);
    });
    cumulative += this.histogram[BUCKETS.length] ?? 0;
    lines.push(`agor_http_request_duration_seconds_bucket{le="+Inf"} ${cumulative}`);
    lines.push(`agor_http_request_duration_seconds_sum ${this.durationSum}`, `agor_http_request_duration_seconds_count ${cumulative}`);
    const mem = process.memoryUsage();
    lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
    lines.push('# TYPE nodejs_heap_used_bytes gauge', `nodejs_heap_used_bytes ${mem.heapUsed}`);
    for (const [name, read] of this.gauges) lines.push(`# TYPE ${name} gauge`, `${name} ${read()}`);
    return `${lines.join('\n')}\n`;
  }
}
