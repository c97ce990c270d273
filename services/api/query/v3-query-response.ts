import type { Customer } from '../../../core/customers/customer.js';
import type { MeterQueryAnswer } from '../../../core/meters/query/meter-query.js';
import { createZoneTimeFormatter } from '../../../core/meters/query/format-zone-time.js';
import { jsonStringRecord } from './json-text.js';
import { csvField } from './v1-query-response.js';

/** The v3 MeterQueryResult as JSON text: rows carry `from`, `to`, `dimensions` and the value as a decimal string. */
export function v3QueryJson(answer: MeterQueryAnswer): string {
  const time = createZoneTimeFormatter(answer.offsets);
  let out = `{"from":"${time(answer.fromMs)}","to":"${time(answer.toMs)}","data":[`;
  const { rows } = answer;
  for (let i = 0; i < rows.length; i++) {
    const { dimensions, value, windowStartMs, windowEndMs } = rows[i]!;
    out +=
      `${i === 0 ? '' : ','}{"value":"${decimalString(value)}","from":"${time(windowStartMs)}","to":"${time(windowEndMs)}",` +
      `"dimensions":${jsonStringRecord(dimensions)}}`;
  }
  return `${out}]}`;
}

/**
 * v3's CSV: `from,to[,subject][,customer_id,customer_key,customer_name],<dimensions...>,value`;
 * the three customer columns come together when grouped by `customer_id`.
 */
export function v3QueryCsv(answer: MeterQueryAnswer, groupBy: readonly string[], customers: ReadonlyMap<string, Customer | undefined>): string {
  const time = createZoneTimeFormatter(answer.offsets);
  const bySubject = groupBy.includes('subject');
  const byCustomer = groupBy.includes('customer_id');
  const keys = groupBy.filter((key) => key !== 'subject' && key !== 'customer_id');
  const header = ['from', 'to', ...(bySubject ? ['subject'] : []), ...(byCustomer ? ['customer_id', 'customer_key', 'customer_name'] : []), ...keys, 'value'];
  const lines = [header.join(',')];
  for (const row of answer.rows) {
    const customerId = row.dimensions.customer_id ?? '';
    const customer = customers.get(customerId);
    const fields = [
      time(row.windowStartMs),
      time(row.windowEndMs),
      ...(bySubject ? [row.dimensions.subject ?? ''] : []),
      ...(byCustomer ? [customerId, customer?.key ?? '', customer?.name ?? ''] : []),
      ...keys.map((key) => row.dimensions[key] ?? ''),
      decimalString(row.value),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
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
