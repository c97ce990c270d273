import { useState } from 'preact/hooks';
import { aggregations, type Aggregation, type Meter } from '../api/types.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { localInputToIso } from '../ui/format.js';
import { Card, ErrorBanner, PageHeader } from '../ui/page.js';
import { useLoad } from '../ui/use-load.js';
import { GroupByEditor, fromGroupBy, toGroupBy, type GroupByRow } from './group-by-editor.js';

/**
 * Create, or edit what OpenMeter lets an existing meter change (name,
 * description, groupBy). The fields that define the series stay read-only:
 * changing them would mix two definitions in one series.
 */
export function MeterForm({ idOrSlug }: { idOrSlug?: string }) {
  const { api } = useSession();
  const existing = useLoad(async () => (idOrSlug ? api.get<Meter>(`/api/v1/meters/${encodeURIComponent(idOrSlug)}`) : undefined), [idOrSlug]);
  return (
    <>
      <PageHeader title={idOrSlug ? `Edit ${existing.data?.slug ?? 'meter'}` : 'New meter'} subtitle={<Link to={idOrSlug ? `/meters/${idOrSlug}` : '/meters'}>← Back</Link>} />
      <ErrorBanner error={existing.error} />
      {/* Editing starts from the stored meter: no input before it is loaded, so nothing typed is overwritten. */}
      {(!idOrSlug || existing.data) && <MeterFields idOrSlug={idOrSlug} meter={existing.data} />}
    </>
  );
}

function MeterFields({ idOrSlug, meter }: { idOrSlug?: string; meter?: Meter }) {
  const { api } = useSession();
  const editing = idOrSlug !== undefined;
  const [slug, setSlug] = useState(meter?.slug ?? '');
  const [name, setName] = useState(meter?.name ?? '');
  const [description, setDescription] = useState(meter?.description ?? '');
  const [aggregation, setAggregation] = useState<Aggregation>(meter?.aggregation ?? 'SUM');
  const [eventType, setEventType] = useState(meter?.eventType ?? '');
  const [valueProperty, setValueProperty] = useState(meter?.valueProperty ?? '');
  const [eventFrom, setEventFrom] = useState('');
  const [groupBy, setGroupBy] = useState<GroupByRow[]>(fromGroupBy(meter?.groupBy ?? {}));
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const common = { name: name.trim() || undefined, description: description.trim() || undefined, groupBy: toGroupBy(groupBy) };
    setBusy(true);
    setError(undefined);
    try {
      const saved = editing
        ? await api.send<Meter>('PUT', `/api/v1/meters/${encodeURIComponent(idOrSlug)}`, common)
        : await api.send<Meter>('POST', '/api/v1/meters', {
            ...common,
            slug: slug.trim(),
            aggregation,
            eventType: eventType.trim(),
            ...(aggregation !== 'COUNT' && { valueProperty: valueProperty.trim() }),
            ...(eventFrom && { eventFrom: localInputToIso(eventFrom) }),
          });
      navigate(`/meters/${saved.slug}`);
    } catch (caught) {
      setError(caught as Error);
      setBusy(false);
    }
  };

  return (
    <Card>
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span>Slug</span>
          <input name="slug" required disabled={editing} value={slug} onInput={(e) => setSlug(e.currentTarget.value)} placeholder="tokens_total" />
        </label>
        <label class="field">
          <span>Name</span>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="defaults to the slug" />
        </label>
        <label class="field">
          <span>Aggregation</span>
          <select name="aggregation" disabled={editing} value={aggregation} onChange={(e) => setAggregation(e.currentTarget.value as Aggregation)}>
            {aggregations.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Event type</span>
          <input name="eventType" required disabled={editing} value={eventType} onInput={(e) => setEventType(e.currentTarget.value)} placeholder="kong.llm_request" />
        </label>
        <label class="field">
          <span>Value property</span>
          <input
            name="valueProperty"
            disabled={editing || aggregation === 'COUNT'}
            required={!editing && aggregation !== 'COUNT'}
            value={aggregation === 'COUNT' ? '' : valueProperty}
            onInput={(e) => setValueProperty(e.currentTarget.value)}
            placeholder={aggregation === 'COUNT' ? 'COUNT counts events' : '$.tokens'}
          />
        </label>
        {!editing && (
          <label class="field">
            <span>Count events from (optional)</span>
            <input name="eventFrom" type="datetime-local" value={eventFrom} onInput={(e) => setEventFrom(e.currentTarget.value)} />
          </label>
        )}
        <label class="field span-2">
          <span>Description</span>
          <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <div class="span-2">
          <GroupByEditor rows={groupBy} onChange={setGroupBy} />
        </div>
        <div class="span-2">
          <ErrorBanner error={error} />
        </div>
        <div class="form-actions span-2">
          <button type="button" onClick={() => navigate(editing ? `/meters/${idOrSlug}` : '/meters')}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {editing ? 'Save changes' : 'Create meter'}
          </button>
        </div>
      </form>
    </Card>
  );
}
