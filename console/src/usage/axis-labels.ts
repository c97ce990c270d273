/**
 * Time-axis labels in the query's zone, 24-hour like every other time in the
 * console. Up to three days: hours, with the date on the first tick and at
 * midnight. Up to four months: the date at midnight, the hour in between.
 * Beyond: the month at a month's start, else the date.
 */
export function createAxisLabels(timeZone: string): (ticks: number[]) => string[] {
  const format = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
  const time = format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = format({ day: 'numeric', month: 'short' });
  const dayOfMonth = format({ day: 'numeric' });
  const month = format({ month: 'short', year: 'numeric' });
  return (ticks) => {
    const span = (ticks.at(-1) ?? 0) - (ticks[0] ?? 0);
    return ticks.map((seconds, i) => {
      const date = new Date(seconds * 1000);
      const clock = time.format(date);
      const midnight = clock === '00:00';
      if (span > 120 * 86_400) return midnight && dayOfMonth.format(date) === '1' ? month.format(date) : day.format(date);
      if (span > 3 * 86_400) return midnight ? day.format(date) : clock;
      return i === 0 || midnight ? `${clock}\n${day.format(date)}` : clock;
    });
  };
}
