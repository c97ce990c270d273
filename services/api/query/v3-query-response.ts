import type { MeterQueryAnswer } from '../../../core/meters/query/meter-query.js';
import { formatZoneTime } from '../../../core/meters/query/format-zone-time.js';

/** The v3 MeterQueryResult: rows carry `from`, `to`, `dimensions` and the value as a decimal string. */
export function v3QueryResult(answer: MeterQueryAnswer): Record<string, unknown> {
  const time = (ms: number) => formatZoneTime(answer.offsets, ms);
  return {
    from: time(answer.fromMs),
    to: time(answer.toMs),
    data: answer.rows.map((row) => ({
      value: decimalString(row.value),
      from: time(row.windowStartMs),
      to: time(row.windowEndMs),
      dimensions: row.dimensions,
    })),
  };
}

/**
 * A number as v3's Numeric (`^-?[0-9]+(\.[0-9]+)?$`): never exponent
 * notation, which `String(1e21)` or `String(1e-7)` would produce.
 */
export function decimalString(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const text = String(value);
  if (!/e/i.test(text)) return text === '-0' ? '0' : text;
  const [mantissa, exponentText] = text.toLowerCase().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.') as [string, string?];
  const digits = whole + fraction;
  const point = whole.length + exponent;
  let result: string;
  if (point <= 0) result = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) result = digits + '0'.repeat(point - digits.length);
  else result = `${digits.slice(0, point)}.${digits.slice(point)}`;
  result = result.replace(/^0+(?=\d)/, '');
  if (result.includes('.')) result = result.replace(/0+$/, '').replace(/\.$/, '');
  return negative ? `-${result}` : result;
}
