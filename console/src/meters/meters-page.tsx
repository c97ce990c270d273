import type { Meter } from '../api/types.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../ui/api-context.js';
import { Card, Chips, Empty, ErrorBanner, PageHeader } from '../ui/page.js';
import { useLoad } from '../ui/use-load.js';
import { MeterDetail } from './meter-detail.js';
import { MeterForm } from './meter-form.js';

/** `/meters`, `/meters/new`, `/meters/:slug`, `/meters/:slug/edit`. */
export function MetersPage({ id, mode }: { id?: string; mode?: string }) {
  if (id === 'new') return <MeterForm />;
  if (id && mode === 'edit') return <MeterForm idOrSlug={id} />;
  if (id) return <MeterDetail idOrSlug={id} />;
  return <MeterList />;
}

function MeterList() {
  const { api } = useSession();
  const meters = useLoad(() => api.get<Meter[]>('/api/v1/meters'), []);
  const items = meters.data ?? [];
  return (
    <>
      <PageHeader
        title="Meters"
        subtitle="Each meter aggregates one event type into per-customer usage, optionally broken down by groupBy dimensions."
        actions={
          <button type="button" class="primary" onClick={() => navigate('/meters/new')}>
            New meter
          </button>
        }
      />
      <ErrorBanner error={meters.error} />
      <Card>
        <table class="table">
          <thead>
            <tr>
              <th>Meter</th>
              <th>Aggregation</th>
              <th>Event type</th>
              <th>Value property</th>
              <th>Group by</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id} class="clickable" onClick={() => navigate(`/meters/${m.slug}`)}>
                <td>
                  <Link to={`/meters/${m.slug}`}>{m.name ?? m.slug}</Link>
                  <div class="mono muted small">{m.slug}</div>
                </td>
                <td>
                  <span class="pill">{m.aggregation}</span>
                </td>
                <td class="mono">{m.eventType}</td>
                <td class="mono">{m.valueProperty ?? ''}</td>
                <td>
                  <Chips values={Object.keys(m.groupBy)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !meters.loading && <Empty>No meters yet.</Empty>}
      </Card>
    </>
  );
}
