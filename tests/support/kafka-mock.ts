import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * A librdkafka mock cluster (the real Kafka protocol) run by the project's
 * launcher `build/kafka-mock` (tools/kafka-mock/kafka-mock.c). Broker ids
 * start at 1. Every fault command resolves once the launcher answered `ok`.
 */
export interface KafkaMock {
  /** Bootstrap addresses, `host:port`. */
  brokers: string[];
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  allDown(): Promise<void>;
  allUp(): Promise<void>;
  createTopic(name: string, partitions: number): Promise<void>;
  /** The next requests of `apiKey` (e.g. 0 = Produce) fail with these Kafka error codes, in order. */
  pushRequestErrors(apiKey: number, codes: readonly number[]): Promise<void>;
  /** Adds round-trip latency to every response of one broker. */
  setRtt(id: number, ms: number): Promise<void>;
  /** Pins a consumer group's coordinator to one broker. */
  setCoordinator(group: string, id: number): Promise<void>;
  stop(): Promise<void>;
}

export interface KafkaMockOptions {
  brokers?: number;
  topics?: ReadonlyArray<{ name: string; partitions: number }>;
}

const source = fileURLToPath(new URL('../../tools/kafka-mock/kafka-mock.c', import.meta.url));
const binary = fileURLToPath(new URL('../../build/kafka-mock', import.meta.url));

/** `make test` builds the launcher; this keeps single test files runnable on their own. */
function ensureBuilt(): void {
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return;
  execFileSync('mkdir', ['-p', fileURLToPath(new URL('../../build', import.meta.url))]);
  execFileSync('cc', ['-O2', '-Wall', '-o', binary, source, '-lrdkafka'], { stdio: 'inherit' });
}

export async function startKafkaMock(options: KafkaMockOptions = {}): Promise<KafkaMock> {
  ensureBuilt();
  const brokerCount = options.brokers ?? 1;
  const args = ['--brokers', String(brokerCount)];
  for (const topic of options.topics ?? []) args.push('--topic', `${topic.name}:${topic.partitions}`);

  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let exited = false;

  const bootstrap = new Promise<string>((resolve, reject) => {
    waiting.push({ resolve, reject });
  });
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.once('exit', (code, signal) => {
    exited = true;
    process.removeListener('exit', killOnExit);
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`kafka-mock exited (${code ?? signal})`));
  });

  const first = await bootstrap;
  if (!first.startsWith('BOOTSTRAP ')) throw new Error(`kafka-mock: unexpected first line "${first}"`);
  const brokers = first.slice('BOOTSTRAP '.length).split(',');

  // Commands are answered in order, one line each.
  const command = async (line: string): Promise<void> => {
    if (exited) throw new Error('kafka-mock is not running');
    const answer = new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
    child.stdin.write(`${line}\n`);
    const reply = await answer;
    if (reply !== 'ok') throw new Error(`kafka-mock "${line}": ${reply}`);
  };
  const ids = Array.from({ length: brokerCount }, (_, i) => i + 1);

  return {
    brokers,
    brokerDown: (id) => command(`down ${id}`),
    brokerUp: (id) => command(`up ${id}`),
    allDown: async () => {
      for (const id of ids) await command(`down ${id}`);
    },
    allUp: async () => {
      for (const id of ids) await command(`up ${id}`);
    },
    createTopic: (name, partitions) => command(`topic ${name} ${partitions}`),
    pushRequestErrors: (apiKey, codes) => command(`errors ${apiKey} ${codes.join(' ')}`),
    setRtt: (id, ms) => command(`rtt ${id} ${ms}`),
    setCoordinator: (group, id) => command(`coordinator ${group} ${id}`),
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.stdin.end('quit\n');
      await gone;
      clearTimeout(timer);
    },
  };
}
