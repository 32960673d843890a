import { describe, expect, it } from 'vitest';
import { postgresOutcome, postgresProbe, postgresReason } from '../../src/probes/postgres.js';
import { parseMemoryInfo, redisOutcome, redisProbe, redisReason } from '../../src/probes/redis.js';
import { rabbitOutcome, rabbitmqProbe, rabbitReason } from '../../src/probes/rabbitmq.js';
import { DeadlineError } from '../../src/probes/abort.js';

const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

describe('postgres probe logic', () => {
  it('a primary reports its role and no lag', () => {
    const o = postgresOutcome(0.002, { replica: false, lagSeconds: null, replayPaused: false }, 2_000);
    expect(o).toMatchObject({ success: true, info: { role: 'primary' } });
    expect(o.measurements).toEqual([]);
    expect(o.degradedReason).toBeUndefined();
  });

  it('a replica within the threshold is not degraded; its lag is measured', () => {
    const o = postgresOutcome(0.002, { replica: true, lagSeconds: 1.5, replayPaused: false }, 2_000);
    expect(o.info?.role).toBe('replica');
    expect(o.measurements).toEqual([{ metric: 'postgres_replication_lag_seconds', value: 1.5 }]);
    expect(o.degradedReason).toBeUndefined();
  });

  it('a replica over the threshold is degraded with lag and threshold in the reason', () => {
    const o = postgresOutcome(0.002, { replica: true, lagSeconds: 12.34, replayPaused: true }, 2_000);
    expect(o.success).toBe(true);
    expect(o.degradedReason).toBe('replication lag 12.3s (threshold: 2s)');
    expect(o.info?.replay_paused).toBe(true);
  });

  it('without max_replication_lag the lag is measured but never degrades', () => {
    const o = postgresOutcome(0.002, { replica: true, lagSeconds: 500, replayPaused: false }, undefined);
    expect(o.degradedReason).toBeUndefined();
    expect(o.measurements?.[0]?.value).toBe(500);
  });

  it('names failures by SQLSTATE and network code, never by message', () => {
    expect(postgresReason(err('password authentication failed for user "x"', { code: '28P01' }))).toBe('auth failed');
    expect(postgresReason(err('database "nope" does not exist', { code: '3D000' }))).toBe('database does not exist');
    expect(postgresReason(err('the database system is starting up', { code: '57P03' }))).toMatch(/^server not accepting/);
    expect(postgresReason(err('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(postgresReason(err('Connection terminated unexpectedly'))).toBe('connection closed');
    expect(postgresReason(new DeadlineError())).toBe('timeout');
    expect(postgresReason(err('secret-ish text', { code: 'XX000' }))).toBe('server error XX000');
  });

  it('options: a postgres URL is required; unknown keys and bad durations are refused', () => {
    expect(postgresProbe.options.parse({ dsn: 'postgres://u:p@h/db', max_replication_lag: '2s' })).toEqual({ dsn: 'postgres://u:p@h/db', max_replication_lag: 2_000 });
    expect(postgresProbe.options.safeParse({ dsn: 'mysql://u:p@h/db' }).success).toBe(false);
    expect(postgresProbe.options.safeParse({ dsn: 'postgres://h/db', lag: '2s' }).success).toBe(false);
    expect(postgresProbe.options.safeParse({ dsn: 'postgres://h/db', max_replication_lag: 'soon' }).success).toBe(false);
  });

  it('a refused DSN does not echo the password in the error', () => {
    const r = postgresProbe.options.safeParse({ dsn: 'mysql://u:hunter2-secret@h/db' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain('hunter2-secret');
  });
});

describe('redis probe logic', () => {
  const info = '# Memory\r\nused_memory:950\r\nused_memory_human:950B\r\nmaxmemory:1000\r\nmaxmemory_human:1000B\r\n';

  it('reads used_memory and maxmemory from INFO memory', () => {
    expect(parseMemoryInfo(info)).toEqual({ used: 950, max: 1000 });
    expect(() => parseMemoryInfo('# Memory\r\n')).toThrow(/used_memory/);
  });

  it('over the default ratio of 0.9 is degraded; under is not', () => {
    const o = redisOutcome(0.001, { used: 950, max: 1000 });
    expect(o.degradedReason).toBe('memory 95% of maxmemory (threshold: 90%)');
    expect(o.measurements).toEqual([
      { metric: 'redis_memory_used_bytes', value: 950 },
      { metric: 'redis_memory_max_bytes', value: 1000 },
    ]);
    expect(redisOutcome(0.001, { used: 800, max: 1000 }).degradedReason).toBeUndefined();
    expect(redisOutcome(0.001, { used: 800, max: 1000 }, 0.5).degradedReason).toBe('memory 80% of maxmemory (threshold: 50%)');
  });

  it('no maxmemory means no ratio to exceed', () => {
    const o = redisOutcome(0.001, { used: 10_000_000, max: 0 });
    expect(o.degradedReason).toBeUndefined();
    expect(o.measurements?.[1]).toEqual({ metric: 'redis_memory_max_bytes', value: 0 });
  });

  it('names refused, timeout and authentication failures', () => {
    expect(redisReason(err('WRONGPASS invalid username-password pair or user is disabled.'))).toBe('auth failed');
    expect(redisReason(err('NOAUTH Authentication required.'))).toBe('auth failed');
    expect(redisReason(err('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(redisReason(err('connect ETIMEDOUT', { code: 'ETIMEDOUT' }))).toBe('timeout');
    expect(redisReason(new DeadlineError())).toBe('timeout');
    expect(redisReason(err('LOADING Redis is loading the dataset in memory'))).toBe('loading dataset');
  });

  it('options: ratio within (0, 1], URL scheme checked', () => {
    expect(redisProbe.options.parse({ url: 'redis://:pw@h:6379/0', max_memory_ratio: 0.8 })).toEqual({ url: 'redis://:pw@h:6379/0', max_memory_ratio: 0.8 });
    expect(redisProbe.options.safeParse({ url: 'redis://h', max_memory_ratio: 1.5 }).success).toBe(false);
    expect(redisProbe.options.safeParse({ url: 'redis://h', max_memory_ratio: 0 }).success).toBe(false);
    expect(redisProbe.options.safeParse({ url: 'http://h' }).success).toBe(false);
  });
});

describe('rabbitmq probe logic', () => {
  const rules = [
    { name: 'orders', max_depth: 1000, require_consumers: false },
    { name: 'emails', require_consumers: true },
  ];

  it('measures depth and consumers per queue', () => {
    const o = rabbitOutcome(0.01, rules, [
      { name: 'orders', messages: 10, consumers: 2 },
      { name: 'emails', messages: 0, consumers: 1 },
    ]);
    expect(o.success).toBe(true);
    expect(o.degradedReason).toBeUndefined();
    expect(o.measurements).toEqual([
      { metric: 'rabbitmq_queue_messages', value: 10, labels: { queue: 'orders' } },
      { metric: 'rabbitmq_queue_consumers', value: 2, labels: { queue: 'orders' } },
      { metric: 'rabbitmq_queue_messages', value: 0, labels: { queue: 'emails' } },
      { metric: 'rabbitmq_queue_consumers', value: 1, labels: { queue: 'emails' } },
    ]);
  });

  it('over max_depth and without required consumers is degraded, naming each queue', () => {
    const o = rabbitOutcome(0.01, rules, [
      { name: 'orders', messages: 1200, consumers: 0 },
      { name: 'emails', messages: 0, consumers: 0 },
    ]);
    expect(o.success).toBe(true);
    expect(o.degradedReason).toBe('queue orders depth 1200 (threshold: 1000); queue emails has no consumers');
  });

  it('a configured queue that does not exist fails the probe', () => {
    const o = rabbitOutcome(0.01, rules, [{ name: 'orders', messages: 1, consumers: 1 }, { name: 'emails' }]);
    expect(o).toMatchObject({ success: false, reason: 'queue emails not found' });
  });

  it('names refused, auth and vhost failures', () => {
    expect(rabbitReason(err('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN."'))).toBe('auth failed');
    expect(rabbitReason(err('Handshake terminated by server: 530 (NOT-ALLOWED) with message "NOT_ALLOWED - vhost nope not found"'))).toBe('vhost not allowed');
    expect(rabbitReason(err('Expected ConnectionOpenOk; got <ConnectionClose channel:0>'))).toBe('vhost not allowed');
    expect(rabbitReason(err('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }))).toBe('refused');
    expect(rabbitReason(err('connect ETIMEDOUT'))).toBe('timeout');
    expect(rabbitReason(new DeadlineError())).toBe('timeout');
  });

  it('options: queue names unique, thresholds non-negative integers', () => {
    const parsed = rabbitmqProbe.options.parse({ url: 'amqp://u:p@h:5672/', queues: [{ name: 'orders', max_depth: 1000 }] });
    expect(parsed.queues).toEqual([{ name: 'orders', max_depth: 1000, require_consumers: false }]);
    expect(rabbitmqProbe.options.parse({ url: 'amqp://h' }).queues).toEqual([]);
    expect(rabbitmqProbe.options.safeParse({ url: 'amqp://h', queues: [{ name: 'a' }, { name: 'a' }] }).success).toBe(false);
    expect(rabbitmqProbe.options.safeParse({ url: 'amqp://h', queues: [{ name: 'a', max_depth: -1 }] }).success).toBe(false);
    expect(rabbitmqProbe.options.safeParse({ url: 'amqp://h', queues: [{ name: 'a', depth: 1 }] }).success).toBe(false);
  });
});
