/**
 * Time-axis labels in the query's zone, 24-hour like every other time in the
 * console: hours (with the date at midnight and on the first tick) for spans
 * up to three days, dates up to four months, months beyond.
 */
export function createAxisLabels(timeZone: string): (ticks: number[]) => string[] {
  const format = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
  const time = format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = format({ day: 'numeric', month: 'short' });
  const month = format({ month: 'short', year: 'numeric' });
  return (ticks) => {
    const span = (ticks.at(-1) ?? 0) - (ticks[0] ?? 0);
    return ticks.map((seconds, i) => {
      const date = new Date(seconds * 1000);
      if (span > 120 * 86_400) return month.format(date);
      if (span > 3 * 86_400) return day.format(date);
      const clock = time.format(date);
      return i === 0 || clock === '00:00' ? `${clock}\n${day.format(date)}` : clock;
    });
  };
}
