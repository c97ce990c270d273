import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TallyError } from '../../../../core/http/tally-error.js';
import { parseV1FeedFilter } from '../../../../services/api/feed/v1-feed-input.js';

test('v1 feed: `type` filters on the exact event type (the console filter bar uses it)', () => {
  assert.equal(parseV1FeedFilter({ type: 'kong.api_request' }).type, 'kong.api_request');
  assert.equal(parseV1FeedFilter({ type: '' }).type, undefined);
  assert.throws(
    () => parseV1FeedFilter({ type: ['a', 'b'] }),
    (error: unknown) => error instanceof TallyError && error.code === 'BAD_REQUEST' && /type: may be given only once/.test(error.message),
  );
});
