import { windowSizes, type Customer, type Meter, type WindowSize } from '../api/types.js';
import { customerLabel } from '../ui/use-customers.js';

export const ranges = [
  { id: '1h', label: 'Last hour', ms: 3_600_000, window: 'MINUTE' },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, window: 'HOUR' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, window: 'DAY' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, window: 'DAY' },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000, window: 'DAY' },
  { id: '12mo', label: 'Last 12 months', ms: 365 * 86_400_000, window: 'MONTH' },
] as const satisfies readonly { id: string; label: string; ms: number; window: WindowSize }[];

export type RangeId = (typeof ranges)[number]['id'];

export interface UsageSelection {
  meter: Meter | undefined;
  customerId: string | undefined;
  range: RangeId;
  windowSize: WindowSize;
  timeZone: string;
  groupBy: string | undefined;
}

// Browsers list some zones under their old ICU names; show the names operators know (both are valid IANA ids).
const renamed: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
};
const knownZones = [...new Set(Intl.supportedValuesOf('timeZone').map((z) => renamed[z] ?? z))].filter((z) => z !== 'UTC').sort();

function zoneChoices(selected: string): string[] {
  return ['UTC', ...(selected !== 'UTC' && !knownZones.includes(selected) ? [selected] : []), ...knownZones];
}

type Change = Record<string, string | undefined>;

/** What a meter's usage can be broken down by: its groupBy keys, plus subject and customer. */
export function dimensionsOf(meter: Meter): string[] {
  return [...Object.keys(meter.groupBy), 'subject', 'customer_id'];
}

export function UsageControls({ selection, meters, customers, onChange }: { selection: UsageSelection; meters: Meter[]; customers: Customer[]; onChange: (values: Change) => void }) {
  const dimensions = selection.meter ? dimensionsOf(selection.meter) : [];
  return (
    <form class="filter-bar usage-controls" onSubmit={(e) => e.preventDefault()}>
      <label class="field inline">
        <span>Meter</span>
        <select name="meter" value={selection.meter?.slug ?? ''} onChange={(e) => onChange({ meter: e.currentTarget.value, groupBy: undefined })}>
          {meters.map((m) => (
            <option key={m.slug} value={m.slug}>
              {m.name && m.name !== m.slug ? `${m.name} (${m.slug})` : m.slug}
            </option>
          ))}
        </select>
      </label>
      <label class="field inline">
        <span>Customer</span>
        <select name="customer" value={selection.customerId ?? ''} onChange={(e) => onChange({ customer: e.currentTarget.value })}>
          <option value="">All customers</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {customerLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <label class="field inline">
        <span>Range</span>
        <select name="range" value={selection.range} onChange={(e) => onChange({ range: e.currentTarget.value, window: undefined })}>
          {ranges.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <div class="field inline">
        <span>Window</span>
        <div class="segmented" role="group" aria-label="Window size">
          {windowSizes.map((size) => (
            <button key={size} type="button" name={`window-${size}`} class={size === selection.windowSize ? 'active' : undefined} aria-pressed={size === selection.windowSize} onClick={() => onChange({ window: size })}>
              {size.charAt(0) + size.slice(1).toLowerCase()}
            </button>
          ))}
        </div>
      </div>
      <label class="field inline">
        <span>Time zone</span>
        <select name="tz" value={selection.timeZone} onChange={(e) => onChange({ tz: e.currentTarget.value })}>
          {zoneChoices(selection.timeZone).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <label class="field inline">
        <span>Group by</span>
        <select name="groupBy" value={selection.groupBy ?? ''} onChange={(e) => onChange({ groupBy: e.currentTarget.value })}>
          <option value="">No breakdown</option>
          {dimensions.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
