import type { Meter } from '../api/types.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { formatTime } from '../ui/format.js';
import { Card, ErrorBanner, Facts, PageHeader } from '../ui/page.js';
import { useLoad } from '../ui/use-load.js';

export function MeterDetail({ idOrSlug }: { idOrSlug: string }) {
  const { api } = useSession();
  const loaded = useLoad(() => api.get<Meter>(`/api/v1/meters/${encodeURIComponent(idOrSlug)}`), [idOrSlug]);
  const meter = loaded.data;
  return (
    <>
      <PageHeader
        title={meter?.name ?? meter?.slug ?? 'Meter'}
        subtitle={<Link to="/meters">← All meters</Link>}
        actions={
          meter && (
            <>
              <button type="button" onClick={() => navigate(`/usage?meter=${meter.slug}`)}>
                Usage
              </button>
              <button type="button" class="primary" onClick={() => navigate(`/meters/${meter.slug}/edit`)}>
                Edit
              </button>
            </>
          )
        }
      />
      <ErrorBanner error={loaded.error} />
      {meter && (
        <div class="grid-2">
          <Card title="Definition">
            <Facts
              rows={[
                ['Slug', <code>{meter.slug}</code>],
                ['Name', meter.name],
                ['Description', meter.description],
                ['Aggregation', <span class="pill">{meter.aggregation}</span>],
                ['Event type', <code>{meter.eventType}</code>],
                ['Value property', meter.valueProperty && <code>{meter.valueProperty}</code>],
                ['Counts events from', meter.eventFrom && formatTime(meter.eventFrom)],
                ['ID', <code>{meter.id}</code>],
                ['Created', formatTime(meter.createdAt)],
                ['Updated', formatTime(meter.updatedAt)],
              ]}
            />
          </Card>
          <Card title="Group by">
            <p class="muted card-note">Dimensions read from each event's data; a missing path groups as an empty value.</p>
            <Facts rows={Object.entries(meter.groupBy).map(([key, path]) => [key, <code>{path}</code>])} />
            {Object.keys(meter.groupBy).length === 0 && <p class="muted">No dimensions.</p>}
          </Card>
        </div>
      )}
    </>
  );
}
