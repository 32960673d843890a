import { Agent, interceptors, type Dispatcher } from 'undici';

/**
 * Connection pools for HTTP probes, shared by every probe with the same TLS and redirect
 * settings: 10,000 probes must not mean 10,000 pools. Keep-alive is deliberate: a real client
 * keeps connections too, and a dead server still fails the next request (reset or refused).
 */
export class HttpDispatchers {
  private readonly pools = new Map<string, Dispatcher>();
  private readonly agents: Agent[] = [];

  get(opts: { verifyTls: boolean; maxRedirections: number }): Dispatcher {
    const key = `${opts.verifyTls}:${opts.maxRedirections}`;
    let d = this.pools.get(key);
    if (!d) {
      const agent = new Agent({
        connect: { rejectUnauthorized: opts.verifyTls },
        keepAliveTimeout: 60_000,
        connections: 8,
        pipelining: 1,
      });
      this.agents.push(agent);
      d = opts.maxRedirections > 0 ? agent.compose(interceptors.redirect({ maxRedirections: opts.maxRedirections })) : agent;
      this.pools.set(key, d);
    }
    return d;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.agents.map((a) => a.destroy()));
    this.pools.clear();
  }
}
