/**
 * `make soak` sets TALLY_SOAK=1 to run the reliability suites heavier; `make
 * test` keeps them bounded. Test-only: the service reads its environment in
 * core/config alone.
 */
export function soakScale(normal: number, soaked: number): number {
  return process.env.TALLY_SOAK === '1' ? soaked : normal;
}
