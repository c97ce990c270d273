import type { EvaluateEvent } from '../../core/meters/evaluate-event.js';
import type { MeterRegistry } from '../../core/meters/meter-registry.js';
import type { BatchStep } from './batch-item.js';

/** Each item's meter contributions and validation messages (pure, after one cached lookup per type). */
export function createEvaluateStep({ meters, evaluate }: { meters: MeterRegistry; evaluate: EvaluateEvent }): BatchStep {
  return async (items) => {
    const types = [...new Set(items.map((item) => item.record.event.type))];
    const byType = new Map(await Promise.all(types.map(async (type) => [type, await meters.forEventType(type)] as const)));
    for (const item of items) item.evaluation = evaluate(item.record.event, byType.get(item.record.event.type) ?? []);
  };
}
