export type LogKind = 'kafka' | 'stream';
export const phaseNames = ['ceiling', 'ingest', 'worker', 'end-to-end', 'queries', 'memory'] as const;
export type PhaseName = (typeof phaseNames)[number];

export interface BenchOptions {
  quick: boolean;
  /** Seconds of each closed-loop load run. */
  durationSec: number;
  logs: LogKind[];
  phases: PhaseName[];
  /** Starts Tally processes with `--cpu-prof` into `profileDir`. */
  profile: boolean;
  profileDir: string;
  resultsFile: string;
  /** Extra environment for every Tally process (`--tally-env=TALLY_LOG_SEND_LANES=1,...`), for tuning runs. */
  tallyEnv: Record<string, string>;
}

const usage = 'usage: bench/run.ts [--quick] [--logs=kafka,stream] [--phases=ceiling,ingest,...] [--profile] [--out=bench/results.json] [--tally-env=NAME=value,...]';

/** `make bench BENCH_ARGS="..."` → options; unknown flags stop the run with the usage line. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unknown argument "${arg}"\n${usage}`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const known = new Set(['quick', 'logs', 'phases', 'profile', 'out', 'tally-env']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown flag --${name}\n${usage}`);
  const list = <T extends string>(name: string, allowed: readonly T[]): T[] => {
    const raw = flags.get(name);
    if (raw === undefined) return [...allowed];
    const values = raw.split(',').map((s) => s.trim()).filter(Boolean);
    for (const value of values) if (!allowed.includes(value as T)) throw new Error(`--${name}: unknown "${value}" (one of ${allowed.join(', ')})`);
    return values as T[];
  };
  const quick = flags.has('quick');
  return {
    quick,
    durationSec: quick ? 3 : 10,
    logs: list<LogKind>('logs', ['kafka', 'stream']),
    phases: list<PhaseName>('phases', phaseNames),
    profile: flags.has('profile'),
    profileDir: 'bench/output/profiles',
    resultsFile: flags.get('out') ?? (quick ? 'bench/output/results-quick.json' : 'bench/results.json'),
    tallyEnv: Object.fromEntries(
      (flags.get('tally-env') ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [name = '', ...value] = pair.split('=');
          if (!/^[A-Z_]+$/.test(name) || value.length === 0) throw new Error(`--tally-env: expected NAME=value, got "${pair}"`);
          return [name, value.join('=')];
        }),
    ),
  };
}
