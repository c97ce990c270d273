import type { FeedFilters } from '../api/feed.js';
import type { Customer } from '../api/types.js';
import { isoToLocalInput, localInputToIso } from '../ui/format.js';
import { customerLabel } from '../ui/use-customers.js';

type QueryValues = Record<string, string | undefined>;

/** Filters live in the page's query string, so a filtered view can be shared (it never holds the token). */
export function EventFilterBar({ filters, customers, onChange }: { filters: FeedFilters; customers: Customer[]; onChange: (values: QueryValues) => void }) {
  const text = (name: string) => (e: Event) => onChange({ [name]: (e.currentTarget as HTMLInputElement).value.trim() });
  const time = (name: string) => (e: Event) => onChange({ [name]: localInputToIso((e.currentTarget as HTMLInputElement).value) });
  const any = filters.errorsOnly || filters.subject || filters.type || filters.customerId || filters.from || filters.to;
  return (
    <form class="filter-bar" onSubmit={(e) => e.preventDefault()}>
      <label class="toggle">
        <input type="checkbox" name="errors" checked={filters.errorsOnly} onChange={(e) => onChange({ errors: e.currentTarget.checked ? '1' : undefined })} />
        Errors only
      </label>
      <label class="field inline">
        <span>Subject</span>
        <input name="subject" type="search" placeholder="any" value={filters.subject ?? ''} onChange={text('subject')} />
      </label>
      <label class="field inline">
        <span>Type</span>
        <input name="type" type="search" placeholder="any" value={filters.type ?? ''} onChange={text('type')} />
      </label>
      <label class="field inline">
        <span>Customer</span>
        <select name="customer" value={filters.customerId ?? ''} onChange={(e) => onChange({ customer: e.currentTarget.value })}>
          <option value="">any</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {customerLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <label class="field inline">
        <span>From</span>
        <input name="from" type="datetime-local" value={isoToLocalInput(filters.from)} onChange={time('from')} />
      </label>
      <label class="field inline">
        <span>To</span>
        <input name="to" type="datetime-local" value={isoToLocalInput(filters.to)} onChange={time('to')} />
      </label>
      {any && (
        <button type="button" class="link" onClick={() => onChange({ errors: undefined, subject: undefined, type: undefined, customer: undefined, from: undefined, to: undefined })}>
          Clear filters
        </button>
      )}
    </form>
  );
}
